import { describe, expect, it } from 'vitest';
import { ciede2000, meanCiede2000 } from '../../src/eval/ciede2000.js';
import { runTrainingPython } from '../helpers/training-python.js';

// Table 1 of Sharma, Wu & Dalal, "The CIEDE2000 color-difference formula: implementation notes,
// supplementary test data, and mathematical observations", Color Res. Appl. 30(1), 2005.
// [L1, a1, b1, L2, a2, b2, ΔE00], as published (4 decimals).
const SHARMA_PAIRS: ReadonlyArray<readonly [number, number, number, number, number, number, number]> = [
  [50.0, 2.6772, -79.7751, 50.0, 0.0, -82.7485, 2.0425],
  [50.0, 3.1571, -77.2803, 50.0, 0.0, -82.7485, 2.8615],
  [50.0, 2.8361, -74.02, 50.0, 0.0, -82.7485, 3.4412],
  [50.0, -1.3802, -84.2814, 50.0, 0.0, -82.7485, 1.0],
  [50.0, -1.1848, -84.8006, 50.0, 0.0, -82.7485, 1.0],
  [50.0, -0.9009, -85.5211, 50.0, 0.0, -82.7485, 1.0],
  [50.0, 0.0, 0.0, 50.0, -1.0, 2.0, 2.3669],
  [50.0, -1.0, 2.0, 50.0, 0.0, 0.0, 2.3669],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.0009, 7.1792],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.001, 7.1792],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.0011, 7.2195],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.0012, 7.2195],
  [50.0, -0.001, 2.49, 50.0, 0.0009, -2.49, 4.8045],
  [50.0, -0.001, 2.49, 50.0, 0.001, -2.49, 4.8045],
  [50.0, -0.001, 2.49, 50.0, 0.0011, -2.49, 4.7461],
  [50.0, 2.5, 0.0, 50.0, 0.0, -2.5, 4.3065],
  [50.0, 2.5, 0.0, 73.0, 25.0, -18.0, 27.1492],
  [50.0, 2.5, 0.0, 61.0, -5.0, 29.0, 22.8977],
  [50.0, 2.5, 0.0, 56.0, -27.0, -3.0, 31.903],
  [50.0, 2.5, 0.0, 58.0, 24.0, 15.0, 19.4535],
  [50.0, 2.5, 0.0, 50.0, 3.1736, 0.5854, 1.0],
  [50.0, 2.5, 0.0, 50.0, 3.2972, 0.0, 1.0],
  [50.0, 2.5, 0.0, 50.0, 1.8634, 0.5757, 1.0],
  [50.0, 2.5, 0.0, 50.0, 3.2592, 0.335, 1.0],
  [60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644],
  [63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.263],
  [61.2901, 3.7196, -5.3901, 61.4292, 2.248, -4.962, 1.8731],
  [35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645],
  [22.7233, 20.0904, -46.694, 23.0331, 14.973, -42.5619, 2.0373],
  [36.4612, 47.858, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146],
  [90.8027, -2.0831, 1.441, 91.1528, -1.6435, 0.0447, 1.4441],
  [90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381],
  [6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377],
  [2.0776, 0.0795, -1.135, 0.9033, -0.0636, -0.5514, 0.9082],
];

describe('ciede2000', () => {
  it('has all 34 published pairs', () => {
    expect(SHARMA_PAIRS).toHaveLength(34);
  });

  it.each(SHARMA_PAIRS.map((p, i) => [i + 1, p] as const))('matches Sharma et al. pair %i to 1e-4', (_n, p) => {
    const [L1, a1, b1, L2, a2, b2, expected] = p;
    // The paper rounds to 4 decimals, so agreement is within half a unit of the last place.
    expect(Math.abs(ciede2000(L1, a1, b1, L2, a2, b2) - expected)).toBeLessThanOrEqual(0.5e-4 + 1e-12);
  });

  it('is symmetric on every published pair', () => {
    for (const [L1, a1, b1, L2, a2, b2] of SHARMA_PAIRS) {
      expect(ciede2000(L2, a2, b2, L1, a1, b1)).toBeCloseTo(ciede2000(L1, a1, b1, L2, a2, b2), 10);
    }
  });

  it('training computes the same (eval.py and the anchor head\'s differentiable loss, colors.torch_ciede2000)', () => {
    // The Python side scores the mirror and trains on CIEDE2000 (train_anchor.py --objective ciede); both
    // must be this formula. Prints [exact, with the loss's eps, gradient finite] per pair.
    const out = runTrainingPython(
      [
        'import json',
        'import numpy as np, torch',
        'from eval import ciede2000',
        'from colors import torch_ciede2000',
        'p = np.array(json.loads(sys.argv[1]))',
        'x = torch.tensor(p[:, :3], requires_grad=True)',
        'soft = torch_ciede2000(x, torch.tensor(p[:, 3:6]), eps=1e-4)',
        'soft.sum().backward()',
        'print(json.dumps([ciede2000(p[:, :3], p[:, 3:6]).tolist(), soft.tolist(), bool(torch.isfinite(x.grad).all())]))',
      ],
      [JSON.stringify(SHARMA_PAIRS)],
    );
    if (out === undefined) return; // no python3-torch here (CI installs it): the TypeScript checks above still hold
    const [exact, soft, finite] = JSON.parse(out) as [number[], number[], boolean];
    SHARMA_PAIRS.forEach((p, i) => {
      expect(Math.abs(exact[i]! - p[6])).toBeLessThanOrEqual(0.5e-4 + 1e-12);
      expect(Math.abs(soft[i]! - p[6])).toBeLessThan(0.02);
    });
    expect(finite).toBe(true);
  });

  it('is 0 for identical colours', () => {
    expect(ciede2000(40, 10, -20, 40, 10, -20)).toBe(0);
  });

  it('is ΔL/S_L for two neutral grays', () => {
    // a = b = 0 on both: C' = 0, so only the lightness term remains. L̄ = 55:
    // S_L = 1 + 0.015·25/√(20 + 25) = 1 + 0.375/6.7082 = 1.0559017; ΔE = 10 / 1.0559017 = 9.470577.
    expect(ciede2000(50, 0, 0, 60, 0, 0)).toBeCloseTo(9.470577, 5);
  });

  it('averages per pixel over an image', () => {
    // Pixel 0 is Sharma pair 7 (2.3669), pixel 1 is identical (0): mean 1.18345.
    const x = { width: 2, height: 1, L: Float32Array.of(50, 70), a: Float32Array.of(0, 5), b: Float32Array.of(0, 5) };
    const y = { width: 2, height: 1, L: Float32Array.of(50, 70), a: Float32Array.of(-1, 5), b: Float32Array.of(2, 5) };
    expect(meanCiede2000(x, y)).toBeCloseTo(2.3669 / 2, 4);
  });

  it('refuses images of different sizes', () => {
    const x = { width: 1, height: 1, L: Float32Array.of(1), a: Float32Array.of(0), b: Float32Array.of(0) };
    const y = { width: 1, height: 2, L: Float32Array.of(1, 1), a: Float32Array.of(0, 0), b: Float32Array.of(0, 0) };
    expect(() => meanCiede2000(x, y)).toThrow(/differ in size/);
  });
});
