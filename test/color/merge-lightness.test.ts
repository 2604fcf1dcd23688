import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/errors/index.js';
import { gamutMapLab, labToRgbFloat, linearToSrgb, mergeLightness, rgbToLab } from '../../src/color/index.js';
import { seededRandom } from './seeded-random.js';

function randomLab(n: number, seed: number, chroma: number) {
  const rand = seededRandom(seed);
  const L = new Float32Array(n).map(() => rand() * 100);
  const a = new Float32Array(n).map(() => (rand() * 2 - 1) * chroma);
  const b = new Float32Array(n).map(() => (rand() * 2 - 1) * chroma);
  return { L, a, b };
}

function lightnessError(L: Float32Array, rgb: Uint8Array | Uint16Array, width: number, height: number) {
  const back = rgbToLab(rgb, width, height);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < L.length; i++) {
    const d = Math.abs(back.L[i] - L[i]);
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / L.length, max };
}

describe('mergeLightness', () => {
  it('keeps L after 8-bit rounding on random ab over random L (mean ≤ 0.5, max ≤ 1.5)', () => {
    const { L, a, b } = randomLab(512 * 512, 10, 150);
    const { mean, max } = lightnessError(L, mergeLightness(L, a, b, 512, 512), 512, 512);
    expect(mean).toBeLessThanOrEqual(0.5);
    expect(max).toBeLessThanOrEqual(1.5);
    // What the implementation actually achieves (measured: mean ≈ 0.07, max ≈ 0.25).
    expect(mean).toBeLessThan(0.1);
    expect(max).toBeLessThan(0.3);
  });

  it('keeps L in 16-bit output to within 0.02', () => {
    const { L, a, b } = randomLab(256 * 256, 11, 150);
    const out = mergeLightness(L, a, b, 256, 256, { bitDepth: 16 });
    expect(out).toBeInstanceOf(Uint16Array);
    const { max } = lightnessError(L, out, 256, 256);
    expect(max).toBeLessThan(0.02);
  });

  it('gives black at L = 0 and white at L = 100 whatever the chroma', () => {
    const n = 6;
    const L = new Float32Array([0, 0, 0, 100, 100, 100]);
    const a = new Float32Array([0, 80, -120, 0, 90, -60]);
    const b = new Float32Array([0, -70, 100, 0, 100, -110]);
    expect(Array.from(mergeLightness(L, a, b, n, 1))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255]);
    expect(Array.from(mergeLightness(L, a, b, n, 1, { bitDepth: 16 })).slice(9)).toEqual(new Array(9).fill(65535));
  });

  it('reproduces 8-bit colours taken apart into L and ab', () => {
    const rand = seededRandom(12);
    const n = 100_000;
    const rgb = new Uint8Array(n * 3).map(() => Math.floor(rand() * 256));
    const lab = rgbToLab(rgb, n, 1);
    const out = mergeLightness(lab.L, lab.a, lab.b, n, 1);
    let off = 0;
    let worst = 0;
    for (let i = 0; i < rgb.length; i++) {
      worst = Math.max(worst, Math.abs(out[i] - rgb[i]));
      if (out[i] !== rgb[i]) off++;
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(off / rgb.length).toBeLessThan(0.01);
  });

  it('maps out-of-gamut colours at constant L and hue onto the gamut surface, never clipping', () => {
    const { L, a, b } = randomLab(20_000, 13, 200);
    const lin = new Float64Array(3);
    let mapped = 0;
    for (let i = 0; i < L.length; i++) {
      if (L[i] < 1 || L[i] > 99) continue;
      const s = gamutMapLab(L[i], a[i], b[i], lin);
      const f32 = new Float32Array([linearToSrgb(lin[0]), linearToSrgb(lin[1]), linearToSrgb(lin[2])]);
      const back = rgbToLab(f32, 1, 1);
      expect(Math.abs(back.L[0] - L[i])).toBeLessThan(0.01); // only float-noise clamping (≤ 1e-5 linear) may move L
      if (s < 1) {
        mapped++;
        // Same hue and the reduced chroma s·C.
        expect(back.a[0]).toBeCloseTo(s * a[i], 2);
        expect(back.b[0]).toBeCloseTo(s * b[i], 2);
        // On the surface: some channel sits at 0 or 1 ...
        expect(Math.min(...lin.map((v) => Math.min(v, 1 - v)))).toBeLessThan(1e-4);
        // ... and the largest such s: a little more chroma leaves the gamut.
        const beyond = labToRgbFloat({ width: 1, height: 1, L: L.subarray(i, i + 1), a: new Float32Array([a[i] * s * 1.001]), b: new Float32Array([b[i] * s * 1.001]) });
        expect(beyond.some((v) => v < 0 || v > 1)).toBe(true);
      } else {
        expect(back.a[0]).toBeCloseTo(a[i], 2);
      }
    }
    expect(mapped).toBeGreaterThan(1000);
  });

  it('clamps L outside 0..100 and treats non-finite chroma as 0', () => {
    const out = mergeLightness(new Float32Array([-5, 120, 50]), new Float32Array([0, 0, NaN]), new Float32Array([0, 0, Infinity]), 3, 1);
    expect(Array.from(out.slice(0, 6))).toEqual([0, 0, 0, 255, 255, 255]);
    expect(out[6]).toBe(out[7]);
    expect(out[7]).toBe(out[8]);
  });

  it('refuses bad sizes and bit depths with OptionsError', () => {
    const p = new Float32Array(4);
    expect(() => mergeLightness(p, p, new Float32Array(3), 2, 2)).toThrow(/mergeLightness b: expected 4 values, got 3/);
    expect(() => mergeLightness(p, p, p, 2, 2, { bitDepth: 12 as 8 })).toThrow(OptionsError);
    expect(() => mergeLightness(p, p, p, 2, 2, { bitDepth: 12 as 8 })).toThrow(/expected bitDepth 8 or 16, got 12/);
  });
});
