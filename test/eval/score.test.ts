import { describe, expect, it } from 'vitest';
import { PSNR_CAP_DB, scoreImage, totalScore } from '../../src/eval/score.js';
import { fromFn, noise, solid } from './helpers.js';

describe('scoreImage', () => {
  it('scores a perfect prediction', () => {
    const gt = noise(12, 12, 7);
    const s = scoreImage('x', gt, [gt]);
    expect(s).toMatchObject({ name: 'x', width: 12, height: 12, samples: 1, psnr: PSNR_CAP_DB, bestOfNPsnr: PSNR_CAP_DB, diversity: null });
    expect(s.ssim).toBeCloseTo(1, 10);
    expect(s.ciede2000).toBe(0);
    expect(s.lightnessError).toBe(0);
    expect(s.colorfulnessAbsDelta).toBe(0);
    expect(s.colorfulnessRatio).toBe(1);
  });

  it('averages per-sample metrics and keeps the best sample', () => {
    // gt black; sample A off by 10 in one channel of one pixel (35.9123 dB), sample B white (0 dB).
    const gt = solid(2, 1, 0, 0, 0);
    const a = fromFn(2, 1, (x) => (x === 0 ? [10, 0, 0] : [0, 0, 0]));
    const b = solid(2, 1, 255, 255, 255);
    const s = scoreImage('x', gt, [a, b]);
    expect(s.samples).toBe(2);
    expect(s.psnr).toBeCloseTo(35.9123 / 2, 4);
    expect(s.bestOfNPsnr).toBeCloseTo(35.9123, 4);
    expect(s.ssim).toBeNull(); // 2×1 is below the 11×11 window
    expect(s.diversity).toBeGreaterThan(0);
    // White vs black is L 100 vs 0 everywhere.
    expect(s.lightnessError).toBeGreaterThan(49);
    expect(s.colorfulnessRatio).toBeNull(); // black ground truth has CF 0
  });

  it('gives a gray prediction a colorfulness ratio of 0', () => {
    const gt = solid(11, 11, 200, 50, 50);
    const gray = solid(11, 11, 100, 100, 100);
    const s = scoreImage('x', gt, [gray]);
    expect(s.colorfulnessPred).toBe(0);
    expect(s.colorfulnessRatio).toBe(0);
    expect(s.colorfulnessAbsDelta).toBeCloseTo(s.colorfulnessGt, 10);
  });

  it('refuses samples of another size', () => {
    expect(() => scoreImage('x', solid(2, 2, 0, 0, 0), [solid(2, 1, 0, 0, 0)])).toThrow(/differ in size/);
  });
});

describe('totalScore', () => {
  it('means over images, skipping nulls, and takes the ratio of mean colorfulness', () => {
    const base = scoreImage('a', solid(11, 11, 200, 50, 50), [solid(11, 11, 200, 50, 50)]);
    const other = { ...base, name: 'b', psnr: 20, ssim: null, colorfulnessPred: 10, colorfulnessGt: 30, diversity: 4, samples: 3 };
    const t = totalScore([{ ...base, psnr: 40, colorfulnessPred: 20, colorfulnessGt: 30 }, other]);
    expect(t.images).toBe(2);
    expect(t.samples).toBe(4);
    expect(t.psnr).toBe(30);
    expect(t.ssim).toBeCloseTo(1, 10); // only image a has SSIM
    expect(t.diversity).toBe(4);
    expect(t.colorfulnessRatio).toBeCloseTo(15 / 30, 12);
  });

  it('is all null for no images', () => {
    expect(totalScore([])).toMatchObject({ images: 0, psnr: null, colorfulnessRatio: null });
  });
});
