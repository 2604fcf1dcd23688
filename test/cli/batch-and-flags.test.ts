import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors/index.js';
import { grayImage, TINY_PACK } from '../helpers/tiny-pack.js';

// Issue 15 items 7–9, through the built binary as a user runs it (`npm test` builds dist/ first).
const CLI = resolve(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
const manifest = JSON.parse(readFileSync(resolve(__dirname, '../../models/cw-semantic/manifest.json'), 'utf8'));

let dir: string;
let street: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cw-cli15-'));
  const album = join(dir, 'album');
  mkdirSync(join(album, '1950s', 'summer'), { recursive: true });
  mkdirSync(join(album, '.thumbnails'));
  const gray = (w: number, h: number, seed = 1) => sharp(Buffer.from(grayImage(w, h, seed)), { raw: { width: w, height: h, channels: 3 } });
  street = join(album, 'street.jpg');
  await gray(40, 30).jpeg().toFile(street);
  await gray(24, 20, 2).png().toFile(join(album, '1950s', 'beach.png'));
  await gray(20, 24, 3).png().toFile(join(album, '1950s', 'summer', 'street.png'));
  await gray(8, 8, 4).png().toFile(join(album, '.thumbnails', 'street.png'));
  writeFileSync(join(album, 'notes.txt'), 'not an image');
  writeFileSync(join(album, '1950s', 'scan.pdf'), '%PDF-1.4');
  writeFileSync(join(album, '1950s', 'broken.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
});

describe('--help (item 7)', () => {
  it('shows the real defaults, the bundled pack’s from its manifest, and -o as required', () => {
    const help = run('colorize', '--help');
    expect(help.status).toBe(0);
    const text = help.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('Usage: color-wizard colorize <inputs...> -o <dir> [options]');
    expect(text).toMatch(/-o, --output <dir> output folder, created if missing \(required\)/);
    expect(text).toMatch(/--samples <n> number of different versions, 1–16 \(default: 1\)/);
    expect(text).toContain(`(default: ${manifest.scheduler.defaultSteps} with ${manifest.name};`);
    expect(text).toContain(`(default: ${manifest.scheduler.default} with ${manifest.name};`);
    expect(text).toContain(`(default: ${manifest.guidance.defaultScale} with ${manifest.name};`);
    expect(text).toMatch(new RegExp(`--temperature <t> how far samples stray, 0–2: .*\\(default: ${manifest.scheduler.defaultTemperature ?? 1}, ${manifest.anchor?.temperature} for anchored runs with ${manifest.name};`));
    const anchorDefault = manifest.anchor!.default > 0 ? `${manifest.anchor!.default}, 0 when words of the prompt reach the text encoder` : '0';
    expect(text).toMatch(new RegExp(`--anchor <a> how much samples lean on the pack's semantic colour guess, 0–0\\.9: .*\\(default: ${anchorDefault} with ${manifest.name};`));
    expect(text).toMatch(/--format <fmt> output format \(choices: .*default: "png"\)/);
    expect(text).toContain('(default: 92)');
    expect(text).not.toContain('(default: [])');
  });
});

describe('plain messages for bad flags (item 7)', () => {
  it('numbers that are not numbers, or out of range, say so without zod text; nothing is written', () => {
    const out = join(dir, 'out-bad');
    const cases: [string[], RegExp][] = [
      [['--samples', 'abc'], /--samples "abc" is not a number: give a whole number from 1 to 16\./],
      [['--samples', '99'], /--samples "99" is out of range: give a whole number from 1 to 16\./],
      [['--steps', '2.5'], /--steps "2\.5" is not a whole number: give a whole number from 1 to 500\./],
      [['--guidance', ''], /--guidance "" is not a number: give a number from 0 to 30\./],
      [['--temperature', '3'], /--temperature "3" is out of range: give a number from 0 to 2\./],
      [['--anchor', '0.95'], /--anchor "0\.95" is out of range: give a number from 0 to 0\.9\./],
      [['--anchor', '0.5'], /anchor 0\.5: pack cw-tiny-random has no anchor head; leave anchor out or use 0\./],
      [['--threads', '1000'], /--threads "1000" is out of range: give a whole number from 0 to 64\./],
      [['--hint', '1,x,red'], /--hint 1 "1,x,red": y "x" is not a number/],
    ];
    for (const [flags, message] of cases) {
      const r = run('colorize', street, '-o', out, '--model', TINY_PACK, ...flags);
      expect(r.status, flags.join(' ')).toBe(EXIT_CODES.OPTIONS);
      expect(r.stderr, flags.join(' ')).toMatch(message);
      expect(r.stderr).not.toMatch(/expected number|received NaN|Invalid input/);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('hints and strokes are counted from 1, up front and once the image is read', () => {
    const out = join(dir, 'out-hints');
    const color = run('colorize', street, '-o', out, '--model', TINY_PACK, '--hint', '1,1,#fff', '--hint', '2,2,redd');
    expect(color.status).toBe(EXIT_CODES.OPTIONS);
    expect(color.stderr).toMatch(/--hint 2 "2,2,redd" \(color\): unknown color "redd".*did you mean "red"/);
    const outside = run('colorize', street, '-o', out, '--model', TINY_PACK, '--steps', '1', '--hint', '1,1,red', '--hint', '500,1,red');
    expect(outside.status).toBe(EXIT_CODES.OPTIONS);
    expect(outside.stderr).toMatch(/--hint 2 "500,1,red": \(500, 1\) lies outside the 40×30 image/);
    const stroke = run('colorize', street, '-o', out, '--model', TINY_PACK, '--steps', '1', '--stroke', '1,1 400,1 navy');
    expect(stroke.stderr).toMatch(/--stroke 1 "1,1 400,1 navy" \(point 2\): \(400, 1\) lies outside the 40×30 image/);
    expect(run('colorize', street, '-o', out, '--model', TINY_PACK, '--hint', '1,1,dark red').stderr).toMatch(/without "dark" \("red"\)/);
  });
});

describe('named colors (item 9)', () => {
  it('--hint "x,y,red" paints the lexicon’s red there; palettes and strokes take names too', async () => {
    const out = join(dir, 'out-named');
    const r = run('colorize', street, '-o', out, '--model', TINY_PACK, '--steps', '1', '--seed', '1', '--json',
      '--hint', '10,10,Red,3', '--stroke', '30,5 35,5 teal 2', '--palette', 'red,teal');
    expect(r.status, r.stderr).toBe(0);
    const { data, info } = await sharp(join(out, 'street.png')).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3));
    const [red, green, blue] = at(10, 10);
    expect(red).toBeGreaterThan(green! + 10);
    expect(red).toBeGreaterThan(blue! + 10);
    const [r2, g2, b2] = at(32, 5);
    expect(g2! + b2!).toBeGreaterThan(2 * r2! + 10); // teal: green and blue over red
  });
});

describe('folder batches (item 8)', () => {
  it('--recursive keeps the tree under -o, skips non-images, hidden folders and our outputs, and sums up', () => {
    const out = join(dir, 'out-tree');
    const r = run('colorize', join(dir, 'album'), '-o', out, '--model', TINY_PACK, '--steps', '1', '--recursive', '--verbose');
    expect(r.status).toBe(EXIT_CODES.PARTIAL); // broken.png
    expect(existsSync(join(out, 'street.png'))).toBe(true);
    expect(existsSync(join(out, '1950s', 'beach.png'))).toBe(true);
    expect(existsSync(join(out, '1950s', 'summer', 'street.png'))).toBe(true);
    expect(existsSync(join(out, '.thumbnails'))).toBe(false);
    expect(r.stderr).toMatch(/skipped .*notes\.txt: not an image \(\.txt\)/);
    expect(r.stderr).toMatch(/skipped .*scan\.pdf: not an image \(\.pdf\)/);
    expect(r.stderr).toMatch(/skipped .*\.thumbnails: a hidden folder/);
    expect(r.stderr).toMatch(/broken\.png: INPUT_IMAGE/);
    expect(r.stderr).toMatch(/color-wizard: 3 colorized, 1 failed, 3 skipped in \d+s\n/);

    // Without --recursive the subfolder is not entered (and says so with --verbose); the summary says how to see why.
    const flat = run('colorize', join(dir, 'album'), '-o', join(dir, 'out-flat'), '--model', TINY_PACK, '--steps', '1');
    expect(flat.status).toBe(0);
    expect(flat.stderr).toMatch(/color-wizard: 1 colorized, 0 failed, 3 skipped \(--verbose lists them\) in \d+s/);
  });

  it('an output folder inside the input folder is never walked into', () => {
    const album = join(dir, 'album');
    const inside = join(album, 'colorized');
    const first = run('colorize', album, '-o', inside, '--model', TINY_PACK, '--steps', '1', '--recursive', '--verbose');
    expect(first.stderr).toMatch(/color-wizard: 3 colorized, 1 failed/);
    const again = run('colorize', album, '-o', inside, '--model', TINY_PACK, '--steps', '1', '--recursive', '--verbose', '--overwrite');
    expect(again.stderr).toMatch(/skipped .*colorized: the output folder/);
    expect(again.stderr).toMatch(/color-wizard: 3 colorized, 1 failed/);
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)('on a terminal the bar shows file i/N, the stage, step k/K and an ETA', () => {
    const out = join(dir, 'out-tty');
    // A real terminal's width (a bare pseudo-terminal has none).
    const command = 'stty cols 120 rows 40; ' + [process.execPath, CLI, 'colorize', join(dir, 'album', '1950s'), '-o', out, '--model', TINY_PACK, '--steps', '3', '--samples', '2']
      .map((a) => `'${a}'`)
      .join(' ');
    // `script` gives the program a pseudo-terminal, as an interactive shell would.
    const r = spawnSync('script', ['-qefc', command, '/dev/null'], { encoding: 'utf8', timeout: 120_000 });
    const frames = r.stdout.split('\r').map((f) => f.replace(/\x1b\[2K/g, '').trim());
    // e.g. "[1/2] [#####-------] 41% denoising step 2/3 · 0s · ETA 1s · beach.png"
    expect(frames.some((f) => /^\[1\/2\] \[[#-]+\] \d+% denoising step [1-3]\/3 · \d+s · ETA \d+s · beach\.png$/.test(f)), frames.join('\n')).toBe(true);
    expect(frames.some((f) => /^\[1\/2\] \[[#-]+\] \d+% decoding sample [12]\/2 · /.test(f))).toBe(true);
    expect(frames.some((f) => /^\[2\/2\] \[[#-]+\] \d+% \w+.* · broken\.png$/.test(f))).toBe(true);
    expect(r.stdout).toMatch(/color-wizard: 1 colorized, 1 failed, 2 skipped/); // scan.pdf, summer/
  });
});
