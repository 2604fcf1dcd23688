import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evalRun, loadEvalImages } from '../../src/eval/eval-run.js';
import { encodeImage } from '../../src/image/index.js';
import { fakeColorize } from './fake-colorize.js';
import { fromFn } from './helpers.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cw-eval-run-'));
  // 40×24 ground truths: a warm left half and a cool right half, with a vertical ramp in lightness.
  const warmCool = fromFn(40, 24, (x, y) => (x < 20 ? [180 + y, 90, 60] : [60, 110 + y, 190]));
  await writeFile(path.join(dir, 'b.png'), await encodeImage(warmCool, { format: 'png' }));
  await writeFile(path.join(dir, 'a.png'), await encodeImage(fromFn(30, 30, (x) => [100 + x, 140, 90]), { format: 'png' }));
  await writeFile(path.join(dir, 'notes.txt'), 'not an image');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadEvalImages', () => {
  it('centre-crops and resizes, in natural name order, up to the limit', async () => {
    const images = await loadEvalImages(dir, { size: 16 });
    expect(images.map((i) => [i.name, i.gt.width, i.gt.height])).toEqual([
      ['a', 16, 16],
      ['b', 16, 16],
    ]);
    expect(await loadEvalImages(dir, { size: 16, limit: 1 })).toHaveLength(1);
  });

  it('keeps sizes with size 0 and computes the Lab of the ground truth', async () => {
    const [a, b] = await loadEvalImages(dir, { size: 0 });
    expect([a.gt.width, b.gt.width, b.gt.height]).toEqual([30, 40, 24]);
    expect(b.lab.L).toHaveLength(40 * 24);
  });

  it('refuses a bad size', async () => {
    await expect(loadEvalImages(dir, { size: 1 })).rejects.toThrow(/size must be/);
  });
});

describe('evalRun', () => {
  it('colorizes from L, scores samples and the gray baseline side by side', async () => {
    const images = await loadEvalImages(dir, { size: 16 });
    // Sample k gets a = 10k, b = 20: two different samples, so diversity > 0.
    const colorize = fakeColorize((_p, k) => [10 * k, 20]);
    const r = await evalRun({ images, colorize, colorizeOptions: { samples: 2, steps: 3 }, keepRows: true });

    expect(colorize.calls).toHaveLength(2);
    const { input, options } = colorize.calls[0];
    expect(input).toMatchObject({ width: 16, height: 16 });
    expect((input as { L: Float32Array }).L).toBe(images[0].lab.L);
    // Seed is fixed for repeatable runs; output is PNG so decoding is lossless.
    expect(options).toMatchObject({ seed: 0, samples: 2, steps: 3, format: 'png' });

    const [model, gray] = r.systems;
    expect([model.name, gray.name]).toEqual(['model', 'gray']);
    expect(model.total).toMatchObject({ images: 2, samples: 4 });
    expect(gray.total).toMatchObject({ images: 2, samples: 2, colorfulnessPred: 0, colorfulnessRatio: 0, diversity: null });
    // Both keep the ground truth's L (exact-L merge, 8-bit rounding only).
    expect(model.total.lightnessError).toBeLessThan(0.5);
    expect(gray.total.lightnessError).toBeLessThan(0.5);
    expect(model.total.diversity).toBeGreaterThan(3);
    expect(model.images[0].bestOfNPsnr).toBeGreaterThanOrEqual(model.images[0].psnr);
    expect(r.settings).toMatchObject({ model: 'fake-pack', steps: 3, seed: 0 });
    expect(r.rows).toHaveLength(2);
    expect(r.rows[0].samples).toHaveLength(2);
    expect(r.seconds.denoisePerImage).toBeCloseTo(0.01, 6);
  });

  it('scores a model that paints the right chroma above the gray baseline', async () => {
    // Ground truth a is a flat-ish green-yellow; painting its own mean chroma beats painting none.
    const images = await loadEvalImages(dir, { size: 16, limit: 1 });
    const n = images[0].lab.a.length;
    const meanA = images[0].lab.a.reduce((s, v) => s + v, 0) / n;
    const meanB = images[0].lab.b.reduce((s, v) => s + v, 0) / n;
    const r = await evalRun({ images, colorize: fakeColorize(() => [meanA, meanB]) });
    const [model, gray] = r.systems;
    expect(model.total.ciede2000!).toBeLessThan(gray.total.ciede2000!);
    expect(model.total.psnr!).toBeGreaterThan(gray.total.psnr!);
  });
});
