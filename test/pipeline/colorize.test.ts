import { describe, expect, it, vi } from 'vitest';
import { rgbToLightness } from '../../src/color/index.js';
import { CancelledError, InputImageError, ModelPackError, OptionsError } from '../../src/errors/index.js';
import { readImage } from '../../src/image/index.js';
import type { ProgressEvent } from '../../src/pipeline/index.js';
import { colorize, colorizeWithSettings, ColorizeOptionsSchema, createColorizeActor, runColorizeActor, validateOptions } from '../../src/pipeline/index.js';
import { SCHEDULER_NAMES } from '../../src/schedulers/index.js';
import { copyTinyPack, grayImage, TINY_PACK } from '../helpers/tiny-pack.js';

const model = TINY_PACK;
const W = 61;
const H = 43;
const input = { width: W, height: H, rgb: grayImage(W, H) };

async function lightnessError(png: Buffer): Promise<{ mean: number; max: number }> {
  const out = await readImage(png);
  expect([out.width, out.height]).toEqual([W, H]);
  const lOut = rgbToLightness(out.rgb, W, H);
  const lIn = rgbToLightness(input.rgb, W, H);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < lIn.length; i++) {
    const d = Math.abs(lOut[i] - lIn[i]);
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / lIn.length, max };
}

describe('colorize (end to end with the tiny exported pack)', () => {
  it('returns an image of the input size whose lightness is the input’s', async () => {
    const result = await colorize(input, { model, seed: 7, steps: 4 });
    expect(result.samples).toHaveLength(1);
    expect(result.samples[0]).toMatchObject({ index: 1, seed: 7, format: 'png', width: W, height: H });
    const err = await lightnessError(result.samples[0].image);
    expect(err.mean).toBeLessThanOrEqual(0.5);
    expect(err.max).toBeLessThanOrEqual(1.5);
    expect(result.steps).toBe(4);
    expect(result.timings.totalMs).toBeGreaterThan(0);
    expect(result.timings.modelMs).toBeGreaterThan(0);
  });

  it('same seed ⇒ identical bytes; different seeds ⇒ different samples', async () => {
    const a = await colorize(input, { model, seed: 11, steps: 3, prompt: 'a red car' });
    const b = await colorize(input, { model, seed: 11, steps: 3, prompt: 'a red car' });
    const c = await colorize(input, { model, seed: 12, steps: 3, prompt: 'a red car' });
    expect(a.samples[0].image.equals(b.samples[0].image)).toBe(true);
    expect(a.samples[0].image.equals(c.samples[0].image)).toBe(false);
  });

  it('batches N samples with seeds s, s+1, …; sample k is reproducible alone', async () => {
    const many = await colorize(input, { model, seed: 100, samples: 3, steps: 3, scheduler: 'ddim', format: 'png' });
    expect(many.samples.map((s) => s.seed)).toEqual([100, 101, 102]);
    expect(new Set(many.samples.map((s) => s.image.toString('base64'))).size).toBe(3);
    const alone = await colorize(input, { model, seed: 102, samples: 1, steps: 3, scheduler: 'ddim' });
    const x = await readImage(many.samples[2].image);
    const y = await readImage(alone.samples[0].image);
    let worst = 0;
    for (let i = 0; i < x.rgb.length; i++) worst = Math.max(worst, Math.abs(x.rgb[i] - y.rgb[i]));
    // Batched and single ORT runs may differ in float summation order: at most one 8-bit level.
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('temperature: 0 gives the most likely colors (samples alike), the pack default applies when absent', async () => {
    const cold = await colorize(input, { model, seed: 5, samples: 2, steps: 3, temperature: 0 });
    expect(cold.temperature).toBe(0);
    expect(cold.samples[0].image.equals(cold.samples[1].image)).toBe(true);
    const coldOtherSeed = await colorize(input, { model, seed: 9, steps: 3, temperature: 0 });
    expect(coldOtherSeed.samples[0].image.equals(cold.samples[0].image)).toBe(true);
    const warm = await colorize(input, { model, seed: 5, samples: 2, steps: 3 });
    expect(warm.temperature).toBe(1); // the tiny pack's manifest gives no default: sampling as trained
    expect(warm.samples[0].image.equals(warm.samples[1].image)).toBe(false);
    const half = await colorize(input, { model, seed: 5, samples: 2, steps: 3, temperature: 0.5 });
    expect(half.samples[0].image.equals(warm.samples[0].image)).toBe(false);
    await expect(colorize(input, { model, temperature: 2.5 })).rejects.toThrow(/temperature/);
    await expect(colorize(input, { model, temperature: -0.1 })).rejects.toBeInstanceOf(OptionsError);
    // A pack's manifest may set its own default; a request still overrides it.
    const coldPack = copyTinyPack((m) => { m.scheduler.defaultTemperature = 0; });
    const byPack = await colorize(input, { model: coldPack, seed: 5, samples: 2, steps: 3 });
    expect(byPack.temperature).toBe(0);
    expect(byPack.samples[0].image.equals(cold.samples[0].image)).toBe(true);
    const overridden = await colorize(input, { model: coldPack, seed: 5, samples: 2, steps: 3, temperature: 1 });
    expect(overridden.samples[0].image.equals(warm.samples[0].image)).toBe(true);
    await expect(colorize(input, { model: copyTinyPack((m) => { m.scheduler.defaultTemperature = 9; }) })).rejects.toBeInstanceOf(ModelPackError);
  });

  it('runs every scheduler, with prompts, negative prompts, guidance and hints', async () => {
    for (const scheduler of SCHEDULER_NAMES) {
      const r = await colorize(input, {
        model,
        seed: 3,
        steps: 2,
        scheduler,
        prompt: 'red car, autumn trees',
        negativePrompt: 'gray',
        guidance: 3,
        hints: [{ x: 10, y: 10, color: '#2040ff' }],
        format: 'jpeg',
      });
      expect(r.scheduler).toBe(scheduler);
      expect(r.samples[0].image.subarray(0, 2).toString('hex')).toBe('ffd8');
    }
  });

  it('reports what the prompt understood, and progress in order with every step', async () => {
    const events: ProgressEvent[] = [];
    const r = await colorize(input, { model, seed: 1, steps: 5, prompt: 'red car, autumn trees', onProgress: (e) => events.push(e) });
    expect(r.prompt.understood.map((u) => `${u.color} ${u.target}`)).toEqual(['red car', 'autumn trees']);
    const denoise = events.filter((e) => e.stage === 'denoising').map((e) => e.step);
    expect(denoise).toEqual([1, 2, 3, 4, 5]);
    const fractions = events.map((e) => e.fraction);
    expect([...fractions].sort((p, q) => p - q)).toEqual(fractions);
    expect(events[events.length - 1]).toMatchObject({ stage: 'done', fraction: 1, etaMs: 0 });
  });

  it('cancels mid-run: CancelledError, no output, no later step', async () => {
    const controller = new AbortController();
    let lastStep = 0;
    const run = colorize(input, {
      model,
      seed: 1,
      steps: 20,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.stage === 'denoising') {
          lastStep = e.step!;
          if (e.step === 3) controller.abort();
        }
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(lastStep).toBeLessThanOrEqual(4);
    const early = new AbortController();
    early.abort();
    await expect(colorize(input, { model, signal: early.signal })).rejects.toBeInstanceOf(CancelledError);
  });

  it('refuses bad options, bad inputs and broken packs with typed errors', async () => {
    await expect(colorize(input, { model, samples: 0 })).rejects.toBeInstanceOf(OptionsError);
    await expect(colorize(input, { model, hints: [{ x: 1, y: 1, color: 'reddish' }] })).rejects.toBeInstanceOf(OptionsError);
    await expect(colorize(input, { model, hints: [{ x: 500, y: 1, color: '#f00' }] })).rejects.toThrow(/outside the 61×43 image/);
    await expect(colorize(input, { model, scheduler: 'warp-drive' as never })).rejects.toBeInstanceOf(OptionsError);
    await expect(colorize(input, { model, bogus: 1 } as never)).rejects.toBeInstanceOf(OptionsError);
    await expect(colorize(Buffer.from('not an image'), { model })).rejects.toBeInstanceOf(InputImageError);
    await expect(colorize({ width: 4, height: 4, rgb: new Uint8Array(5) }, { model })).rejects.toBeInstanceOf(InputImageError);
    await expect(colorize(input, { model: '/no/such/pack' })).rejects.toBeInstanceOf(ModelPackError);
    await expect(colorize(input, { model, maxPixels: 100 })).rejects.toThrow(/over the limit/);
  });

  it('accepts an L plane directly and writes 16-bit PNG when asked', async () => {
    const L = rgbToLightness(input.rgb, W, H);
    const r = await colorize({ width: W, height: H, L }, { model, seed: 2, steps: 2, bitDepth: 16 });
    const out = await readImage(r.samples[0].image);
    expect(out.bitDepth).toBe(16);
  });
});

describe('colorize above decodeMaxPixels', () => {
  it('decodes at the cap and upsamples chroma along the original L, keeping L exact', async () => {
    const w = 300;
    const h = 200;
    const rgb = grayImage(w, h, 4);
    const r = await colorize({ width: w, height: h, rgb }, { model, seed: 5, steps: 2, decodeMaxPixels: 4096 });
    const out = await readImage(r.samples[0].image);
    expect([out.width, out.height]).toEqual([w, h]);
    const lOut = rgbToLightness(out.rgb, w, h);
    const lIn = rgbToLightness(rgb, w, h);
    let sum = 0;
    for (let i = 0; i < lIn.length; i++) sum += Math.abs(lOut[i] - lIn[i]);
    expect(sum / lIn.length).toBeLessThanOrEqual(0.5);
  });
});

describe('settings parsed once', () => {
  it('colorizeWithSettings runs settings parsed at the caller’s boundary without parsing them again', async () => {
    const spy = vi.spyOn(ColorizeOptionsSchema, 'safeParse');
    try {
      const settings = validateOptions({ model, seed: 4, steps: 2 });
      const result = await colorizeWithSettings(input, settings);
      expect(result.seed).toBe(4);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('persisted snapshots', () => {
  /** Runs until denoising step `step`, persists the snapshot as JSON, stops, and resumes it in a new actor. */
  async function stopAndResume(options: Parameters<typeof colorize>[1], step: number) {
    const first = createColorizeActor(input, options);
    let persisted: unknown;
    let seed: number | undefined;
    const stopped = new Promise<void>((resolveStop) => {
      first.actor.subscribe((s) => {
        if (persisted === undefined && s.value === 'denoising' && s.context.step === step) {
          seed = s.context.run?.seed;
          persisted = JSON.parse(JSON.stringify(first.actor.getPersistedSnapshot()));
          first.actor.stop();
          resolveStop();
        }
      });
    });
    first.actor.start();
    await stopped;
    const second = createColorizeActor(input, options, { snapshot: persisted });
    return { seedBeforeStop: seed, resumed: await runColorizeActor(second.actor, second.workspace) };
  }

  it('a run stopped mid-denoising resumes from its JSON snapshot and gives the uninterrupted result (DDIM)', async () => {
    const options = { model, seed: 21, steps: 6, scheduler: 'ddim' as const, prompt: 'blue sky' };
    const straight = await colorize(input, options);
    const { resumed } = await stopAndResume(options, 3);
    expect(resumed.samples[0].image.equals(straight.samples[0].image)).toBe(true);
  });

  it('a resumed run without a seed keeps the seed it drew before it stopped', async () => {
    const options = { model, steps: 4, scheduler: 'ddim' as const };
    const { seedBeforeStop, resumed } = await stopAndResume(options, 2);
    expect(resumed.seed).toBe(seedBeforeStop);
    const again = await colorize(input, { ...options, seed: seedBeforeStop });
    expect(resumed.samples[0].image.equals(again.samples[0].image)).toBe(true);
  });

  it('keeps its temperature across a snapshot; one taken before temperatures existed resumes at 1', async () => {
    const cool = { model, seed: 8, steps: 4, scheduler: 'ddpm' as const, temperature: 0.5 };
    const { resumed } = await stopAndResume(cool, 2);
    expect(resumed.temperature).toBe(0.5);
    expect(resumed.samples[0].image.equals((await colorize(input, cool)).samples[0].image)).toBe(true);

    const plain = { model, seed: 8, steps: 4, scheduler: 'ddpm' as const };
    const old = (await persistAt(plain, 2)) as { context: { run: Record<string, unknown> } };
    expect(old.context.run.temperature).toBe(1);
    delete old.context.run.temperature;
    const second = createColorizeActor(input, plain, { snapshot: old });
    const again = await runColorizeActor(second.actor, second.workspace);
    expect(again.temperature).toBe(1);
    expect(again.samples[0].image.equals((await colorize(input, plain)).samples[0].image)).toBe(true);
  });

  /** Persists the snapshot taken when denoising step `step` is about to run, as JSON, and stops. */
  async function persistAt(options: Parameters<typeof colorize>[1], step: number): Promise<unknown> {
    const first = createColorizeActor(input, options);
    return new Promise((resolveStop) => {
      let done = false;
      first.actor.subscribe((s) => {
        if (!done && s.value === 'denoising' && s.context.step === step) {
          done = true;
          const persisted = JSON.parse(JSON.stringify(first.actor.getPersistedSnapshot()));
          first.actor.stop();
          resolveStop(persisted);
        }
      });
      first.actor.start();
    });
  }

  // Issue 13 item 1: every scheduler resumes bit-exact at several steps (for Heun, step 1 and 3 fall between its two stages).
  for (const scheduler of SCHEDULER_NAMES) {
    it(`${scheduler}: resumes bit-exact at steps 0, 1 and 3 (noise position and scheduler state included)`, async () => {
      const options = { model, seed: 5, steps: 4, scheduler, samples: 2, prompt: 'red car' };
      const straight = await colorize(input, options);
      for (const step of [0, 1, 3]) {
        const persisted = await persistAt(options, step);
        const second = createColorizeActor(input, options, { snapshot: persisted });
        const resumed = await runColorizeActor(second.actor, second.workspace);
        for (const k of [0, 1]) expect(resumed.samples[k].image.equals(straight.samples[k].image), `${scheduler} resumed at step ${step}, sample ${k + 1}`).toBe(true);
      }
    });
  }

  it('restores from the checked context: a tampered copy in the invoked child is not used', async () => {
    const options = { model, seed: 3, steps: 4, scheduler: 'dpmpp-2m' as const };
    const persisted = (await persistAt(options, 2)) as { context: Record<string, any>; children: Record<string, any> };
    const ctx = persisted.context;
    for (const bad of [
      { ...persisted, context: { ...ctx, schedulerState: null } },
      { ...persisted, context: { ...ctx, schedulerState: { ...ctx.schedulerState, stepIndex: 1 } } },
      { ...persisted, context: { ...ctx, settings: { ...ctx.settings, samples: 2 } } },
      { ...persisted, value: 'encoding' },
      { ...persisted, status: 'done' },
    ]) {
      expect(() => createColorizeActor(input, {}, { snapshot: bad })).toThrow(OptionsError);
    }
    const tampered = structuredClone(persisted);
    const [id] = Object.keys(tampered.children);
    tampered.children[id].snapshot.input.latent = 'not a latent';
    tampered.children[id].snapshot.input.schedulerState = { bogus: true };
    const resumed = createColorizeActor(input, {}, { snapshot: tampered });
    const result = await runColorizeActor(resumed.actor, resumed.workspace);
    expect(result.samples[0].image.equals((await colorize(input, options)).samples[0].image)).toBe(true);
  });

  it('validates a restored snapshot with zod instead of trusting it', async () => {
    const persisted = (await persistAt({ model, seed: 5, steps: 4, scheduler: 'ddim' }, 1)) as { context: Record<string, unknown> };
    const broken = { ...persisted, context: { ...persisted.context, rng: [[1, 2]], step: -1 } };
    expect(() => createColorizeActor(input, { model }, { snapshot: broken })).toThrow(OptionsError);
    expect(() => createColorizeActor(input, { model }, { snapshot: broken })).toThrow(/context\.rng\.0: .*context\.step/s);
    expect(() => createColorizeActor(input, { model }, { snapshot: { status: 'active', value: 'warp', context: {} } })).toThrow(/Invalid snapshot/);
    expect(() => createColorizeActor(input, { model }, { snapshot: 'nope' })).toThrow(OptionsError);
  });
});
