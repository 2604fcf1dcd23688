import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runEvalCommand, type EvalFlags, type EvalReport } from '../../src/cli/eval-command.js';
import { EXIT_CODES, OptionsError } from '../../src/errors/index.js';
import { encodeImage, readImage } from '../../src/image/index.js';
import { fakeColorize } from '../eval/fake-colorize.js';
import { fromFn, solid } from '../eval/helpers.js';

let root: string;
let gt: string;
let pred: string;

const png = (img: { width: number; height: number; rgb: Uint8Array }) => encodeImage(img, { format: 'png' });
const quiet = { stdout: () => {}, stderr: () => {} };

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'cw-eval-cli-'));
  gt = path.join(root, 'gt');
  pred = path.join(root, 'pred');
  await mkdir(gt);
  await mkdir(pred);
  const a = fromFn(16, 12, (x, y) => [200 - x * 4, 80 + y * 3, 60]);
  const b = fromFn(16, 12, (x) => [40, 120, 90 + x * 5]);
  await writeFile(path.join(gt, 'a.png'), await png(a));
  await writeFile(path.join(gt, 'b.png'), await png(b));
  await writeFile(path.join(gt, 'c.png'), await png(b));
  await writeFile(path.join(pred, 'a.png'), await png(a)); // perfect
  await writeFile(path.join(pred, 'b_1.png'), await png(solid(16, 12, 90, 90, 90)));
  await writeFile(path.join(pred, 'b_2.png'), await png(solid(16, 12, 100, 110, 120)));
  await writeFile(path.join(pred, 'zz.png'), await png(solid(4, 4, 0, 0, 0)));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('eval --pred', () => {
  it('scores paired predictions and writes JSON, Markdown and a contact sheet', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const files = { json: path.join(root, 'o', 'r.json'), markdown: path.join(root, 'o', 'r.md'), sheet: path.join(root, 'o', 's.png') };
    const report = await runEvalCommand({ gt, pred, ...files }, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });

    expect(report.systems).toHaveLength(1);
    const [a, b] = report.systems[0].images;
    expect(a).toMatchObject({ name: 'a', samples: 1, psnr: 100, ciede2000: 0 });
    expect(b).toMatchObject({ name: 'b', samples: 2 });
    expect(b.diversity).toBeGreaterThan(0);
    expect(report.missing).toEqual(['c.png']);
    expect(report.unmatched).toEqual(['zz.png']);
    expect(err.join('')).toMatch(/no prediction for 1 ground truth\(s\): c\.png/);

    const text = out.join('');
    expect(text).toMatch(/PSNR \(dB\) ↑ +\d/);
    expect(text).toContain('diversity');
    const json = JSON.parse(await readFile(files.json, 'utf8')) as EvalReport;
    expect(json.systems[0].total.images).toBe(2);
    expect(await readFile(files.markdown, 'utf8')).toMatch(/^## Evaluation on gt\n\n\| metric \| pred \|/);
    const sheet = await readImage(files.sheet);
    expect(sheet.format).toBe('png');
    expect(sheet.height).toBeGreaterThan(2 * 160); // two rows of 160-px cells
  });

  it('refuses a size mismatch unless --resize', async () => {
    const other = path.join(root, 'pred-big');
    await mkdir(other);
    await writeFile(path.join(other, 'a.png'), await png(solid(32, 24, 10, 200, 10)));
    await expect(runEvalCommand({ gt, pred: other }, quiet)).rejects.toThrow(/a\.png is 32×24 but its ground truth a\.png is 16×12 \(pass --resize/);
    const r = await runEvalCommand({ gt, pred: other, resize: true }, quiet);
    expect(r.systems[0].images[0]).toMatchObject({ name: 'a', width: 16, height: 12 });
  });

  it('refuses mixed or missing modes and misplaced flags', async () => {
    const cases: EvalFlags[] = [
      { gt },
      { gt, pred, run: true },
      { gt, pred, size: '64' },
      { gt, run: true, resize: true },
      { gt, run: true, objects: 'x.json' },
      { gt, pred, sheet: 'x.jpg' },
      { gt, run: true, steps: 'many' },
      { gt, run: true, samples: '17' },
      { gt, run: true, objectColors: 'red' },
      { gt, run: true, reference: false },
      { gt, steering: true, objectColors: 'red,teal' },
      { gt, run: true, singleHintColors: 'green' },
      { gt, steering: true, singleHintColors: 'greenish' },
    ];
    for (const flags of cases) await expect(runEvalCommand(flags, { ...quiet, colorize: fakeColorize(() => [0, 0]) })).rejects.toThrow(OptionsError);
  });

  it('fails with no pairs at all', async () => {
    const empty = path.join(root, 'empty');
    await mkdir(empty);
    await expect(runEvalCommand({ gt, pred: empty }, quiet)).rejects.toThrow(/no prediction in .* matches/);
  });
});

describe('eval outputs', () => {
  it('reports an unwritable output as an OutputError', async () => {
    const blocker = path.join(root, 'blocker');
    await writeFile(blocker, 'a file, not a folder');
    await expect(runEvalCommand({ gt, pred, json: path.join(blocker, 'r.json') }, quiet)).rejects.toMatchObject({ code: 'OUTPUT' });
  });
});

describe('eval --run (fake colorizer)', () => {
  it('prints the model beside the gray baseline and passes colorize options through', async () => {
    const out: string[] = [];
    const colorize = fakeColorize((_p, k) => [20 * k, -10]);
    const report = await runEvalCommand(
      { gt, run: true, size: '12', limit: '2', samples: '2', steps: '3', seed: '7', guidance: '2.5', temperature: '0.5', prompt: 'red car', scheduler: 'ddim', model: 'x' },
      { stdout: (t) => out.push(t), stderr: () => {}, colorize },
    );
    expect(colorize.calls[0].options).toMatchObject({ samples: 2, steps: 3, seed: 7, guidance: 2.5, temperature: 0.5, prompt: 'red car', scheduler: 'ddim', model: 'x' });
    expect(report.systems.map((s) => s.name)).toEqual(['model', 'gray']);
    expect(report.systems[0].images.map((i) => [i.name, i.width])).toEqual([
      ['a', 12],
      ['b', 12],
    ]);
    const text = out.join('');
    expect(text).toMatch(/metric +model +gray/);
    expect(text).toMatch(/^model x · 3 steps · ddim · guidance 2\.5 · temperature 0\.5 · anchor 0 · seed 7 · size 12²/);
  });

  it('--steering asks "<colour> <object>" on what the detector finds, alone when hints and reference are off', async () => {
    const out: string[] = [];
    const colorize = fakeColorize(() => [0, 0]);
    const detector = async () => [{ label: 'dog', box: [2, 2, 8, 8] as [number, number, number, number], score: 0.9 }];
    const flags: EvalFlags = { gt, steering: true, size: '12', limit: '1', hintCounts: 'none', reference: false, objectColors: 'blue,red' };
    const report = await runEvalCommand(flags, { stdout: (t) => out.push(t), stderr: () => {}, colorize, detector });
    expect(colorize.calls.map((c) => c.options.prompt ?? '')).toEqual(['', 'blue dog', 'red dog']);
    expect(report.steering?.objects).toMatchObject({ withObject: 1, colors: ['blue', 'red'] });
    expect(out.join('')).toMatch(/Object prompts .*1 of 1 images have one, 2 runs/);
    expect(out.join('')).not.toMatch(/User control/);
    await expect(runEvalCommand({ ...flags, objectColors: 'red' }, { ...quiet, colorize })).rejects.toThrow(/needs a pack with an object detector/);
  });

  it('--strength passes through; --no-grounding gives every run a detector that finds nothing (the text path)', async () => {
    const colorize = fakeColorize(() => [0, 0]);
    const detector = async () => [{ label: 'dog', box: [2, 2, 8, 8] as [number, number, number, number], score: 0.9 }];
    const flags: EvalFlags = { gt, steering: true, size: '12', limit: '1', hintCounts: 'none', reference: false, objectColors: 'red', grounding: false, strength: '1.5' };
    const report = await runEvalCommand(flags, { ...quiet, colorize, detector });
    expect(report.grounding).toBe(false);
    // The scored object still comes from the detector; the colorize runs themselves ground nothing.
    expect(colorize.calls.map((c) => c.options.prompt ?? '')).toEqual(['', 'red dog']);
    for (const call of colorize.calls) {
      expect(call.options.strength).toBe(1.5);
      expect(await call.options.detector!({ width: 12, height: 12, L: new Float32Array(144) })).toEqual([]);
    }
    await expect(runEvalCommand({ gt, pred, grounding: false }, quiet)).rejects.toThrow(/--no-grounding applies to --run/);
    await expect(runEvalCommand({ gt, run: true, strength: '3' }, { ...quiet, colorize })).rejects.toThrow(/--strength must be a number from 0 to 2/);
  });

  it('adds a prompt-adherence table', async () => {
    const out: string[] = [];
    const colorize = fakeColorize((prompt) => (prompt.startsWith('green') ? [-50, 40] : [0, 0]));
    const report = await runEvalCommand({ gt, adherence: true, size: '12', limit: '1' }, { stdout: (t) => out.push(t), stderr: () => {}, colorize });
    expect(report.mode).toBe('adherence');
    expect(report.systems).toEqual([]);
    expect(report.adherence?.share).toBe(1 / 8);
    expect(out.join('')).toMatch(/all prompted runs +12\.5%/);
  });

  it('runs adherence only on the images a targets file names, and metrics on all', async () => {
    const targets = path.join(root, 'targets.json');
    await writeFile(targets, JSON.stringify({ b: { object: 'boat', region: [0, 0, 1, 1] } }));
    const colorize = fakeColorize(() => [0, 0]);
    const report = await runEvalCommand({ gt, run: true, adherence: true, objects: targets, size: '12' }, { ...quiet, colorize });
    expect(report.systems[0].images.map((i) => i.name)).toEqual(['a', 'b', 'c']);
    expect(report.adherence?.images.map((i) => [i.name, i.object])).toEqual([['b', 'boat']]);
    expect(colorize.calls.map((c) => c.options.prompt)).toContain('red boat');
  });
});

describe('color-wizard eval (through main)', () => {
  it('maps outcomes to exit codes', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const writeErr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['node', 'color-wizard', 'eval', '--gt', gt, '--pred', pred])).toBe(EXIT_CODES.OK);
      expect(await main(['node', 'color-wizard', 'eval', '--gt', gt])).toBe(EXIT_CODES.OPTIONS);
      expect(await main(['node', 'color-wizard', 'eval', '--pred', pred])).toBe(EXIT_CODES.USAGE); // --gt is required
    } finally {
      write.mockRestore();
      writeErr.mockRestore();
    }
  });
});

// Runs the real pipeline on the tiny random-weight pack: checks the wiring, not the colours.
const tinyPack = path.resolve('test/fixtures/tiny-pack');
describe.skipIf(!existsSync(path.join(tinyPack, 'manifest.json')))('eval --run with the tiny test pack', () => {
  it('colorizes, scores and compares with the gray baseline', async () => {
    const json = path.join(root, 'tiny.json');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const writeErr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await main(['node', 'color-wizard', 'eval', '--run', '--gt', gt, '--size', '32', '--limit', '2', '--model', tinyPack, '--steps', '2', '--samples', '2', '--json', json]);
      expect(code).toBe(EXIT_CODES.OK);
    } finally {
      write.mockRestore();
      writeErr.mockRestore();
    }
    const report = JSON.parse(await readFile(json, 'utf8')) as EvalReport;
    const [model, gray] = report.systems;
    expect(model.total).toMatchObject({ images: 2, samples: 4 });
    expect(gray.total.colorfulnessPred).toBe(0);
    // The pipeline keeps L exactly, whatever the (random) weights paint.
    expect(model.total.lightnessError!).toBeLessThanOrEqual(0.5);
    expect(report.settings?.steps).toBe(2);
  });
});

describe('eval flag limits (issue 13 item 5)', () => {
  it('come from the options schema, not from numbers written again', async () => {
    const { optionRange, parseIntFlag } = await import('../../src/cli/eval-command.js');
    const { ColorizeOptionsSchema } = await import('../../src/pipeline/options-schema.js');
    for (const name of ['steps', 'samples', 'seed', 'guidance', 'temperature'] as const) {
      const schema = ColorizeOptionsSchema.shape[name].unwrap();
      expect(optionRange(name), name).toEqual([schema.minValue, schema.maxValue]);
    }
    const [, maxSteps] = optionRange('steps');
    expect(() => parseIntFlag('steps', String(maxSteps + 1), ...optionRange('steps'))).toThrow(new RegExp(`from 1 to ${maxSteps}`));
  });
});
