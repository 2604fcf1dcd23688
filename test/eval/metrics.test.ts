import { describe, expect, it } from 'vitest';
import { colorfulness, colorfulnessGap } from '../../src/eval/colorfulness.js';
import { diversity } from '../../src/eval/diversity.js';
import { lightnessError } from '../../src/eval/lightness.js';
import { bestOfNPsnr, mse, psnr } from '../../src/eval/psnr.js';
import { gaussianKernel, ssim } from '../../src/eval/ssim.js';
import { OptionsError } from '../../src/errors/index.js';
import { fromFn, lab, noise, solid } from './helpers.js';

describe('psnr', () => {
  it('matches a hand computation', () => {
    // One channel of one pixel is off by 10: MSE = 100 / 6 values = 16.667;
    // PSNR = 10·log10(65025 / 16.667) = 10·log10(3901.5) = 35.9123 dB.
    const gt = solid(2, 1, 0, 0, 0);
    const pred = fromFn(2, 1, (x) => (x === 0 ? [10, 0, 0] : [0, 0, 0]));
    expect(mse(pred, gt)).toBeCloseTo(100 / 6, 10);
    expect(psnr(pred, gt)).toBeCloseTo(35.9123, 4);
  });

  it('is Infinity for identical images and 0 dB for black vs white', () => {
    expect(psnr(solid(3, 3, 7, 8, 9), solid(3, 3, 7, 8, 9))).toBe(Infinity);
    // MSE = 255², so the ratio is 1.
    expect(psnr(solid(2, 2, 0, 0, 0), solid(2, 2, 255, 255, 255))).toBe(0);
  });

  it('best-of-N takes the closest sample', () => {
    const gt = solid(2, 1, 0, 0, 0);
    const far = solid(2, 1, 255, 255, 255); // 0 dB
    const near = fromFn(2, 1, (x) => (x === 0 ? [10, 0, 0] : [0, 0, 0])); // 35.9123 dB
    expect(bestOfNPsnr([far, near], gt)).toBeCloseTo(35.9123, 4);
    expect(() => bestOfNPsnr([], gt)).toThrow(RangeError);
  });

  it('refuses a size mismatch with an OptionsError', () => {
    expect(() => psnr(solid(2, 1, 0, 0, 0), solid(1, 2, 0, 0, 0))).toThrow(OptionsError);
  });
});

describe('ssim', () => {
  // Pattern s on 11×11 that is antisymmetric under point reflection (s(k) = −s(120 − k), s(60) = 0),
  // so its Gaussian-weighted mean is exactly 0 and its weighted mean square is 1 − w₆₀,
  // where w₆₀ = k₅² is the weight of the centre: Σₜ exp(−t²/4.5) over t = −5..5 is 3.759233,
  // k₅ = 1/3.759233 = 0.266012, w₆₀ = 0.070762, so v = 1 − w₆₀ = 0.929238.
  const s = (k: number) => Math.sign(60 - k);
  const patterned = (d: number) =>
    fromFn(11, 11, (x, y) => {
      const value = 100 + d * s(y * 11 + x);
      return [value, value, value];
    });

  it('is 1 for identical images', () => {
    const img = noise(16, 13, 1);
    expect(ssim(img, img)).toBeCloseTo(1, 12);
  });

  it('reduces to the luminance term for flat images', () => {
    // σ = 0 on both, so SSIM = (2·100·110 + C1)/(100² + 110² + C1) with C1 = (0.01·255)² = 6.5025:
    // 22006.5025 / 22106.5025 = 0.995476.
    expect(ssim(solid(11, 11, 100, 100, 100), solid(11, 11, 110, 110, 110))).toBeCloseTo(0.995476, 6);
  });

  it('matches hand-computed contrast and structure terms', () => {
    // x = 100 + 10·s, y = 100 + 20·s: equal means, σx² = 100v, σy² = 400v, σxy = 200v, C2 = (0.03·255)² = 58.5225.
    // SSIM = (2·200v + C2)/(500v + C2) = (371.6951 + 58.5225)/(464.6189 + 58.5225) = 0.822373.
    expect(ssim(patterned(10), patterned(20))).toBeCloseTo(0.822373, 5);
    // y = 100 − 10·s inverts the structure: σxy = −100v, SSIM = (−200v + C2)/(200v + C2) = −0.521034.
    expect(ssim(patterned(10), patterned(-10))).toBeCloseTo(-0.521034, 5);
  });

  it('agrees with a direct 2-D valid-window computation', () => {
    const x = noise(17, 14, 2);
    const y = noise(17, 14, 3);
    expect(ssim(x, y)).toBeCloseTo(directSsim(x, y), 10);
  });

  it('uses only full windows (valid region)', () => {
    // 21×11 flat 100 vs the same with the corner pixel (20, 10) at 200: 11 windows (x = 0..10), only the last
    // one sees the change, with weight w = k₁₀² = (0.00102838)² = 1.05757e-6. There μy = 100 + 100w,
    // σy² = w(1 − w)·100² = 0.0105756, σx = σxy = 0, so SSIM = luminance·C2/(σy² + C2) = 0.9998193;
    // the mean over the windows is (10 + 0.9998193)/11 = 0.99998357. Padding ("same") would add windows.
    const a = solid(21, 11, 100, 100, 100);
    const b = fromFn(21, 11, (x, y) => (x === 20 && y === 10 ? [200, 200, 200] : [100, 100, 100]));
    expect(ssim(a, b)).toBeCloseTo(0.99998357, 8);
    expect(() => ssim(solid(10, 11, 0, 0, 0), solid(10, 11, 0, 0, 0))).toThrow(/at least 11×11/);
  });

  it('normalises the Gaussian window', () => {
    const k = gaussianKernel(11, 1.5);
    expect(k.reduce((p, v) => p + v, 0)).toBeCloseTo(1, 14);
    expect(k[5]).toBeCloseTo(0.266012, 6);
  });
});

/** Independent SSIM: full 2-D window sums at every valid position, no separability. */
function directSsim(x: { width: number; height: number; rgb: Uint8Array }, y: typeof x): number {
  const k = gaussianKernel(11, 1.5);
  const C1 = 6.5025;
  const C2 = 58.5225;
  let total = 0;
  for (let c = 0; c < 3; c++) {
    let sum = 0;
    let count = 0;
    for (let oy = 0; oy + 11 <= x.height; oy++) {
      for (let ox = 0; ox + 11 <= x.width; ox++) {
        let mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
        for (let j = 0; j < 11; j++) {
          for (let i = 0; i < 11; i++) {
            const w = k[i] * k[j];
            const idx = ((oy + j) * x.width + ox + i) * 3 + c;
            const a = x.rgb[idx];
            const b = y.rgb[idx];
            mx += w * a; my += w * b; xx += w * a * a; yy += w * b * b; xy += w * a * b;
          }
        }
        const sx = xx - mx * mx, sy = yy - my * my, sxy = xy - mx * my;
        sum += ((2 * mx * my + C1) * (2 * sxy + C2)) / ((mx * mx + my * my + C1) * (sx + sy + C2));
        count++;
      }
    }
    total += sum / count;
  }
  return total / 3;
}

describe('colorfulness', () => {
  it('is 0 for a gray image', () => {
    expect(colorfulness(fromFn(4, 4, (x, y) => [x * 40 + y, x * 40 + y, x * 40 + y]))).toBe(0);
  });

  it('is 0.3·μ for a flat color', () => {
    // Pure red: rg = 255, yb = 127.5, σ = 0; μ_rgyb = √(255² + 127.5²) = 285.0987; M = 85.5296.
    expect(colorfulness(solid(3, 2, 255, 0, 0))).toBeCloseTo(85.5296, 4);
  });

  it('adds spread and mean for a two-pixel image', () => {
    // Red and black: rg ∈ {255, 0} → μ = σ = 127.5; yb ∈ {127.5, 0} → μ = σ = 63.75.
    // σ_rgyb = μ_rgyb = √(127.5² + 63.75²) = 142.5493; M = 1.3·142.5493 = 185.3141.
    const img = fromFn(2, 1, (x) => (x === 0 ? [255, 0, 0] : [0, 0, 0]));
    expect(colorfulness(img)).toBeCloseTo(185.3141, 4);
  });

  it('reports |ΔCF| and the ratio, with no ratio against a gray ground truth', () => {
    const red = solid(2, 2, 255, 0, 0);
    const gray = solid(2, 2, 90, 90, 90);
    expect(colorfulnessGap(gray, red)).toEqual({ pred: 0, gt: expect.closeTo(85.5296, 4), absDelta: expect.closeTo(85.5296, 4), ratio: 0 });
    expect(colorfulnessGap(red, gray).ratio).toBeNull();
  });
});

describe('lightnessError', () => {
  it('is the mean absolute difference of L', () => {
    // |50 − 50.5| + |20 − 19| + |70 − 70| = 1.5 over 3 pixels = 0.5.
    expect(lightnessError(Float32Array.of(50.5, 19, 70), Float32Array.of(50, 20, 70))).toBeCloseTo(0.5, 6);
    expect(() => lightnessError(Float32Array.of(1), Float32Array.of(1, 2))).toThrow(OptionsError);
  });
});

describe('diversity', () => {
  it('averages the mean CIEDE2000 of every pair of samples', () => {
    // Neutral grays at L 50, 60, 70: ΔE00 = ΔL / S_L(L̄) with S_L = 1 + 0.015(L̄−50)²/√(20 + (L̄−50)²):
    // (50,60): 10/1.055902 = 9.470579; (60,70): 10/1.215620 = 8.226249; (50,70): 20/1.136931 = 17.591223.
    // Mean of the three pairs = 11.762684.
    const gray = (L: number) => lab(1, 1, [L], [0], [0]);
    expect(diversity([gray(50), gray(60), gray(70)])).toBeCloseTo(11.762684, 5);
  });

  it('is null for a single sample', () => {
    expect(diversity([lab(1, 1, [50], [0], [0])])).toBeNull();
  });
});
