import { describe, expect, it } from 'vitest';
import { mergeLightness } from '../../src/color/index.js';
import type { ColorizeFn, EvalImage } from '../../src/eval/eval-run.js';
import { toLab } from '../../src/eval/score.js';
import { SINGLE_HINT_MIN_SHARE, familyMask, singleHintRows, singleHintSite } from '../../src/eval/single-hint.js';
import { runSteering } from '../../src/eval/steering.js';
import { encodeImage } from '../../src/image/index.js';
import type { ColorizeOptions } from '../../src/pipeline/index.js';
import { fromFn } from './helpers.js';

const GREEN: [number, number, number] = [60, 140, 60];
const GRAY: [number, number, number] = [120, 120, 120];

function evalImage(f: (x: number, y: number) => [number, number, number], name = 'img'): EvalImage {
  const gt = fromFn(32, 24, f);
  return { name, file: `${name}.png`, gt, lab: toLab(gt) };
}

/** Foliage on the left (x < 12), gray wall on the right. */
const foliage = () => evalImage((x) => (x < 12 ? GREEN : GRAY), 'foliage');

/**
 * Stands in for a colorizer that honours hints up to an edge: with a hint, paints the hint's colour's
 * chroma over the columns left of `edge`, else leaves the photo gray. Records the options of each call.
 */
function hintPainter(edge: number): ColorizeFn & { calls: ColorizeOptions[] } {
  const calls: ColorizeOptions[] = [];
  const fn: ColorizeFn = async (input, options) => {
    calls.push(options);
    if (typeof input !== 'object' || !('L' in input)) throw new Error('eval passes a lightness plane');
    const { width, height, L } = input;
    const a = new Float32Array(width * height);
    const b = new Float32Array(width * height);
    if (options.hints?.length) {
      const g = toLab(fromFn(1, 1, () => GREEN));
      for (let y = 0; y < height; y++) for (let x = 0; x < edge; x++) [a[y * width + x], b[y * width + x]] = [g.a[0], g.b[0]];
    }
    const image = await encodeImage({ width, height, rgb: mergeLightness(L, a, b, width, height) }, { format: 'png' });
    const zero = { readMs: 0, loadMs: 0, prepareMs: 0, denoiseMs: 0, decodeMs: 0, upsampleMs: 0, fuseMs: 0, encodeMs: 0, totalMs: 0, modelMs: 0 };
    return {
      width,
      height,
      samples: [{ index: 1, seed: 0, image, format: 'png' as const, width, height }],
      seed: 0,
      steps: 1,
      scheduler: 'ddim',
      guidance: 1,
      temperature: 1,
      anchor: 0,
      model: 'fake',
      prompt: { text: '', negative: '', understood: [] },
      timings: zero,
    };
  };
  return Object.assign(fn, { calls });
}

describe('single-hint check', () => {
  it('puts the hint at the most solid spot of the region, with its ground-truth colour, and maps the region', () => {
    const image = foliage();
    const site = singleHintSite(image, 'green')!;
    expect(site.hint.color).toBe('#3c8c3c');
    expect(site.hint.x).toBeLessThan(12);
    expect(site.hint.x).toBeGreaterThanOrEqual(3);
    const region = [...site.region];
    expect(region.reduce((s, v) => s + v, 0)).toBe(12 * 24);
    expect(region.every((v, i) => v === (i % 32 < 12 ? 1 : 0))).toBe(true);
    expect([...familyMask(image.lab, 'green')]).toEqual(region);
  });

  it('skips photos without a region of the colour big enough to be one', () => {
    expect(singleHintSite(foliage(), 'blue')).toBeUndefined();
    // A 3×3 leaf is below SINGLE_HINT_MIN_SHARE of 32×24.
    expect(9).toBeLessThan(SINGLE_HINT_MIN_SHARE * 32 * 24);
    expect(singleHintSite(evalImage((x, y) => (x < 3 && y < 3 ? GREEN : GRAY)), 'green')).toBeUndefined();
  });

  it('the region is the component around the site, not every pixel of the colour', () => {
    // Two patches of foliage split by a wall: the bigger one takes the hint, the other is not its region.
    const image = evalImage((x) => (x < 14 ? GREEN : x >= 24 ? GREEN : GRAY));
    const site = singleHintSite(image, 'green')!;
    expect(site.hint.x).toBeLessThan(14);
    expect([...site.region].reduce((s, v) => s + v, 0)).toBe(14 * 24);
  });

  it('runSteering scores one hint per coloured region against automatic, and what changed elsewhere', async () => {
    const stopsAtEdge = hintPainter(12);
    const report = await runSteering({ images: [foliage()], colorize: stopsAtEdge, hintCounts: [], reference: false });
    expect(stopsAtEdge.calls.map((o) => o.hints?.length ?? 0)).toEqual([0, 1]);
    const single = report.singleHint!;
    expect(single.colors).toEqual(['green', 'blue']);
    expect(single.cases).toHaveLength(1);
    expect(single.cases[0]).toMatchObject({ color: 'green', regionPixels: 12 * 24, share: 1, automaticShare: 0 });
    expect(single.cases[0].changeElsewhere).toBeCloseTo(0, 6);
    expect(single).toMatchObject({ majority: 1, automaticMajority: 0, perColor: { green: { cases: 1, majority: 1 }, blue: { cases: 0 } } });
    expect(singleHintRows(single).at(-1)).toEqual(['all', '1', '100.0 %', '0.0 %']);

    // A colorizer whose hint bleeds over the wall: the region still turns, and the bleeding is measured.
    const bleeds = await runSteering({ images: [foliage()], colorize: hintPainter(32), hintCounts: [], reference: false });
    expect(bleeds.singleHint!.cases[0].share).toBe(1);
    expect(bleeds.singleHint!.meanChangeElsewhere).toBeGreaterThan(10);
  });

  it('is skipped with no colours', async () => {
    const colorize = hintPainter(12);
    const report = await runSteering({ images: [foliage()], colorize, hintCounts: [], reference: false, singleHintColors: [] });
    expect(report.singleHint).toBeUndefined();
    expect(colorize.calls).toHaveLength(1);
  });
});
