import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/errors/index.js';
import {
  labToRgbFloat,
  labToXyz,
  linearPlanesToSrgb,
  linearToXyz,
  rgbToLab,
  rgbToLightness,
  srgbToLinearPlanes,
  xyzToLab,
  xyzToLinear,
} from '../../src/color/index.js';
import { seededRandom } from './seeded-random.js';

// Published CIE Lab (D65, 2°) of sRGB colours (Lindbloom's calculator; the same values appear in colormine/easyrgb).
const GOLDEN: [rgb: [number, number, number], lab: [number, number, number]][] = [
  [[255, 0, 0], [53.2408, 80.0925, 67.2032]],
  [[0, 255, 0], [87.7347, -86.1827, 83.1793]],
  [[0, 0, 255], [32.297, 79.1875, -107.8602]],
  [[255, 255, 0], [97.1393, -21.5537, 94.478]],
  [[0, 255, 255], [91.1132, -48.0875, -14.1312]],
  [[255, 0, 255], [60.3242, 98.2343, -60.8249]],
  [[255, 255, 255], [100, 0, 0]],
  [[0, 0, 0], [0, 0, 0]],
  [[128, 128, 128], [53.585, 0, 0]],
];

function expectGolden(lab: { L: Float32Array; a: Float32Array; b: Float32Array }): void {
  GOLDEN.forEach(([, [L, a, b]], i) => {
    expect(lab.L[i]).toBeCloseTo(L, 3);
    expect(lab.a[i]).toBeCloseTo(a, 3);
    expect(lab.b[i]).toBeCloseTo(b, 3);
  });
}

describe('rgbToLab', () => {
  it('matches published values for 8-bit input to 1e-3', () => {
    expectGolden(rgbToLab(new Uint8Array(GOLDEN.flatMap(([rgb]) => rgb)), GOLDEN.length, 1));
  });

  it('matches published values for 16-bit and float input, and with a 4th channel', () => {
    expectGolden(rgbToLab(new Uint16Array(GOLDEN.flatMap(([rgb]) => rgb.map((v) => v * 257))), GOLDEN.length, 1));
    expectGolden(rgbToLab(new Float32Array(GOLDEN.flatMap(([rgb]) => rgb.map((v) => v / 255))), 3, 3));
    const rgba = new Uint8Array(GOLDEN.flatMap(([rgb]) => [...rgb, 17]));
    expectGolden(rgbToLab(rgba, GOLDEN.length, 1, 4));
  });

  it('gives exactly neutral a, b for gray pixels', () => {
    const gray = new Uint8Array(256 * 3).map((_, i) => Math.floor(i / 3));
    const lab = rgbToLab(gray, 256, 1);
    for (let i = 0; i < 256; i++) {
      expect(Math.abs(lab.a[i])).toBeLessThan(1e-4);
      expect(Math.abs(lab.b[i])).toBeLessThan(1e-4);
    }
    expect(lab.L[0]).toBe(0);
    expect(lab.L[255]).toBeCloseTo(100, 4);
  });

  it('table path agrees with the exact float path over every 8-bit level mix', () => {
    const rand = seededRandom(1);
    const n = 100_000;
    const u8 = new Uint8Array(n * 3).map(() => Math.floor(rand() * 256));
    const fast = rgbToLab(u8, n, 1);
    const exact = rgbToLab(Float32Array.from(u8, (v) => v / 255), n, 1);
    let max = 0;
    for (let i = 0; i < n; i++) {
      max = Math.max(max, Math.abs(fast.L[i] - exact.L[i]), Math.abs(fast.a[i] - exact.a[i]), Math.abs(fast.b[i] - exact.b[i]));
    }
    expect(max).toBeLessThan(1e-3);
  });

  it('the step functions compose to the same result, in place', () => {
    const rand = seededRandom(2);
    const n = 10_000;
    const u8 = new Uint8Array(n * 3).map(() => Math.floor(rand() * 256));
    const planes = srgbToLinearPlanes(u8, 100, 100);
    linearToXyz(planes, planes);
    const [L, a, b] = xyzToLab(planes, planes);
    const fused = rgbToLab(u8, 100, 100);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(L[i] - fused.L[i]), Math.abs(a[i] - fused.a[i]), Math.abs(b[i] - fused.b[i]));
    expect(worst).toBeLessThan(1e-3);
    const back = linearPlanesToSrgb(xyzToLinear(labToXyz([L, a, b])));
    worst = 0;
    for (let i = 0; i < n * 3; i++) worst = Math.max(worst, Math.abs(back[i] * 255 - u8[i]));
    expect(worst).toBeLessThan(1e-2);
  });

  it('round-trips in-gamut float sRGB within 1e-4', () => {
    const rand = seededRandom(3);
    const n = 200_000;
    const rgb = new Float32Array(n * 3).map(() => rand());
    const back = labToRgbFloat(rgbToLab(rgb, 400, 500));
    let max = 0;
    for (let i = 0; i < rgb.length; i++) max = Math.max(max, Math.abs(back[i] - rgb[i]));
    expect(max).toBeLessThan(1e-4);
  });

  it('rgbToLightness equals rgbToLab(...).L', () => {
    const rand = seededRandom(4);
    const n = 50_000;
    for (const rgb of [
      new Uint8Array(n * 4).map(() => Math.floor(rand() * 256)),
      new Uint16Array(n * 4).map(() => Math.floor(rand() * 65536)),
      new Float32Array(n * 4).map(() => rand()),
    ]) {
      const L = rgbToLightness(rgb, 250, 200, 4);
      const lab = rgbToLab(rgb, 250, 200, 4);
      let worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(L[i] - lab.L[i]));
      expect(worst).toBeLessThan(1e-5);
    }
  });

  it('refuses mismatched sizes with OptionsError naming expected and given', () => {
    expect(() => rgbToLab(new Uint8Array(10), 2, 2)).toThrow(OptionsError);
    expect(() => rgbToLab(new Uint8Array(10), 2, 2)).toThrow(/expected 12 values, got 10/);
    expect(() => rgbToLab(new Uint8Array(0), 0, 0)).toThrow(/positive integer width and height/);
    expect(() => rgbToLightness(new Uint8Array(12), 1, 3, 5 as 3)).toThrow(/channels 3 or 4, got 5/);
  });
});

describe('rgbToLab into caller planes', () => {
  it('fills and returns the given planes, and checks their size', () => {
    const rgb = new Uint8Array([255, 0, 0, 0, 0, 255]);
    const out = { width: 2, height: 1, L: new Float32Array(2), a: new Float32Array(2), b: new Float32Array(2) };
    expect(rgbToLab(rgb, 2, 1, 3, out)).toBe(out);
    expect(out.L[0]).toBeCloseTo(53.2408, 3);
    expect(() => rgbToLab(rgb, 1, 2, 3, out)).toThrow(/expected 1×2 planes, got 2×1/);
    const L = new Float32Array(2);
    expect(rgbToLightness(rgb, 2, 1, 3, L)).toBe(L);
    expect(L[1]).toBeCloseTo(32.297, 3);
  });
});
