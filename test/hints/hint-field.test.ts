import { describe, expect, it } from 'vitest';
import { mergeLightness, rgbToLab } from '../../src/color/index.js';
import { ciede2000 } from '../../src/eval/ciede2000.js';
import { applyHintField, buildHintField, resolveUserHints } from '../../src/hints/index.js';
import { hexToAb } from '../../src/prompts/index.js';

/** Left half L=35, right half L=75: one strong vertical edge at x = w/2. */
function twoRegions(w: number, h: number): Float32Array {
  const L = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) L[y * w + x] = x < w / 2 ? 35 : 75;
  return L;
}

function labAt(L: Float32Array, ab: { a: Float32Array; b: Float32Array }, w: number, h: number) {
  return rgbToLab(mergeLightness(L, ab.a, ab.b, w, h), w, h);
}

const gray = (n: number) => ({ a: new Float32Array(n), b: new Float32Array(n) });

describe('hint propagation', () => {
  const w = 96;
  const h = 64;
  const L = twoRegions(w, h);

  it('colours the hinted region and stops at the edge', () => {
    const hints = resolveUserHints([{ x: 12, y: 30, color: '#2f7a2f' }], [], w, h);
    const out = applyHintField(gray(w * h), buildHintField(L, w, h, hints));
    const [ha, hb] = hexToAb('#2f7a2f');
    // Far corner of the same region: clearly green; other side of the edge: near gray.
    const far = 60 * w + 44;
    expect(Math.hypot(out.a[far] - ha, out.b[far] - hb)).toBeLessThan(0.3 * Math.hypot(ha, hb));
    for (const x of [50, 70, 95]) {
      const i = 30 * w + x;
      expect(Math.hypot(out.a[i], out.b[i])).toBeLessThan(3);
    }
  });

  // Colours chosen near each region's L, so gamut mapping leaves them as they are.
  it('matches the hinted colour within 3 px of the hint to ΔE00 ≤ 5', () => {
    const hints = resolveUserHints([{ x: 70, y: 20, color: '#f09070' }, { x: 20, y: 40, color: '#3050a0' }], [], w, h);
    const out = applyHintField(gray(w * h), buildHintField(L, w, h, hints));
    const lab = labAt(L, out, w, h);
    for (const [hx, hy, hex] of [[70, 20, '#f09070'], [20, 40, '#3050a0']] as const) {
      const [ha, hb] = hexToAb(hex);
      for (let dy = -3; dy <= 3; dy++) {
        for (let dx = -3; dx <= 3; dx++) {
          if (dx * dx + dy * dy > 9) continue;
          const i = (hy + dy) * w + hx + dx;
          expect(ciede2000(lab.L[i], lab.a[i], lab.b[i], L[i], ha, hb)).toBeLessThanOrEqual(5);
        }
      }
    }
  });

  it('a stroke colours along its polyline and keeps its side of the edge', () => {
    const hints = resolveUserHints([], [{ points: [[5, 5], [40, 58]], color: '#b03060', width: 4 }], w, h);
    const out = applyHintField(gray(w * h), buildHintField(L, w, h, hints));
    const [ha, hb] = hexToAb('#b03060');
    const mid = 31 * w + 22; // on the stroke
    expect(out.a[mid]).toBeCloseTo(ha, 3);
    expect(out.b[mid]).toBeCloseTo(hb, 3);
    expect(Math.hypot(out.a[31 * w + 80], out.b[31 * w + 80])).toBeLessThan(3);
  });

  it('blends with the model where no hint reaches and leaves it alone without hints', () => {
    const model = { a: new Float32Array(w * h).fill(10), b: new Float32Array(w * h).fill(-5) };
    const none = applyHintField(model, buildHintField(L, w, h, []));
    expect(Array.from(none.a)).toEqual(Array.from(model.a));
    const hints = resolveUserHints([{ x: 12, y: 30, color: '#2f7a2f' }], [], w, h);
    const out = applyHintField(model, buildHintField(L, w, h, hints));
    const across = 30 * w + 90;
    expect(Math.abs(out.a[across] - 10)).toBeLessThan(2);
  });

  it('works through the reduced solve and guided upsampling on large images', () => {
    const W = 400;
    const H = 300;
    const big = twoRegions(W, H);
    const hints = resolveUserHints([{ x: 50, y: 150, color: '#2f7a2f' }], [], W, H);
    const out = applyHintField(gray(W * H), buildHintField(big, W, H, hints, { maxSolvePixels: 100 * 75 }));
    const [ha] = hexToAb('#2f7a2f');
    expect(out.a[150 * W + 50]).toBeCloseTo(ha, 3);
    expect(out.a[280 * W + 180]).toBeLessThan(0.6 * ha); // same region, green
    expect(Math.abs(out.a[150 * W + 300])).toBeLessThan(3);
  });

  it('rejects hints and stroke points outside the image with a path to each', () => {
    expect(() => resolveUserHints([{ x: 96, y: 1, color: '#fff' }], [{ points: [[1, 1], [2, 70]], color: '#000' }], w, h)).toThrow(/hint 1: \(96, 1\).*stroke 1, point 2: \(2, 70\)/);
  });
});
