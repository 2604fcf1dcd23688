import { describe, expect, it } from 'vitest';
import { resizeAntialiased, resizeBilinear } from '../../src/vqvae/index.js';
import { createGenerator } from '../../src/random/index.js';
import { runTrainingPython } from '../helpers/training-python.js';

const CASES: Array<[number, number, number, number, 'bilinear' | 'bicubic']> = [
  [32, 32, 16, 16, 'bilinear'], // 2x, the runtime's 256 -> 128 case
  [37, 53, 8, 11, 'bilinear'], // odd factors
  [20, 12, 40, 24, 'bilinear'], // growing
  [30, 8, 10, 16, 'bilinear'], // one side shrinks, the other grows
  [32, 32, 16, 16, 'bicubic'],
  [45, 29, 7, 13, 'bicubic'],
  [30, 8, 10, 16, 'bicubic'],
];

function plane(h: number, w: number, seed: number): Float32Array {
  const rng = createGenerator(seed);
  return Float32Array.from({ length: h * w }, () => rng.random() * 2 - 1);
}

describe('resizeAntialiased', () => {
  it('keeps a constant plane constant (weights sum to 1) and leaves the source untouched', () => {
    const src = new Float32Array(9 * 14).fill(0.3);
    for (const kernel of ['bilinear', 'bicubic'] as const) {
      for (const v of resizeAntialiased(src, 1, 9, 14, 4, 5, kernel)) expect(v).toBeCloseTo(0.3, 6);
    }
    expect(src.every((v) => v === Math.fround(0.3))).toBe(true);
  });

  it('is plain bilinear when growing', () => {
    const src = plane(5, 7, 3);
    const a = resizeAntialiased(src, 1, 5, 7, 11, 16);
    const b = resizeBilinear(src, 1, 5, 7, 11, 16);
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 6);
  });

  it('resizes each channel alike', () => {
    const one = plane(12, 10, 5);
    const two = new Float32Array(240);
    two.set(one);
    two.set(one, 120);
    const out = resizeAntialiased(two, 2, 12, 10, 5, 4);
    expect(Array.from(out.subarray(20))).toEqual(Array.from(out.subarray(0, 20)));
  });

  it('equals PyTorch F.interpolate(antialias=True) as training/data.py resize calls it', () => {
    const inputs = CASES.map(([h, w], i) => Array.from(plane(h, w, 11 + i)));
    const out = runTrainingPython(
      [
        'import json',
        'import torch',
        'from data import resize',
        'cases, inputs = json.loads(sys.argv[1]), json.loads(sys.argv[2])',
        'print(json.dumps([resize(torch.tensor(x, dtype=torch.float32).reshape(1, 1, h, w), (oh, ow), mode=k).flatten().tolist() for (h, w, oh, ow, k), x in zip(cases, inputs)]))',
      ],
      [JSON.stringify(CASES), JSON.stringify(inputs)],
    );
    if (out === undefined) return; // no python3-torch here (CI installs it): the checks above still hold
    const expected = JSON.parse(out) as number[][];
    CASES.forEach(([h, w, oh, ow, kernel], i) => {
      const got = resizeAntialiased(Float32Array.from(inputs[i]), 1, h, w, oh, ow, kernel);
      expect(got.length).toBe(expected[i].length);
      let worst = 0;
      for (let j = 0; j < got.length; j++) worst = Math.max(worst, Math.abs(got[j] - expected[i][j]));
      expect(worst, `${h}x${w} -> ${oh}x${ow} ${kernel}`).toBeLessThan(1e-5);
    });
  });
});
