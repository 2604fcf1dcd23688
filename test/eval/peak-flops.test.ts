// Bench helpers live in src/bench; their tests sit here because test/bench belongs to the lead.
import { describe, expect, it } from 'vitest';
import { matmulBlocked, measurePeakFlops } from '../../src/bench/peak-flops.js';

describe('matmulBlocked', () => {
  it('multiplies across block edges like the naive triple loop', () => {
    // n = 70 is not a multiple of the 64 block, so partial blocks are exercised.
    const n = 70;
    const a = Float32Array.from({ length: n * n }, (_, i) => ((i * 37) % 11) - 5);
    const b = Float32Array.from({ length: n * n }, (_, i) => ((i * 53) % 7) - 3);
    const c = new Float32Array(n * n);
    matmulBlocked(a, b, c, n);
    for (const [i, j] of [[0, 0], [3, 69], [69, 64], [65, 2]]) {
      let expected = 0;
      for (let k = 0; k < n; k++) expected += a[i * n + k] * b[k * n + j];
      expect(c[i * n + j]).toBe(expected); // small integers: float32 sums are exact
    }
  });

  it('computes [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]]', () => {
    const c = new Float32Array(4);
    matmulBlocked(Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), c, 2);
    expect(Array.from(c)).toEqual([19, 22, 43, 50]);
  });
});

describe('measurePeakFlops', () => {
  it('reports 2n³ per matmul over the best repeat', async () => {
    const p = await measurePeakFlops({ n: 32, minSeconds: 0 });
    expect(p.repeats).toBeGreaterThanOrEqual(3);
    expect(p.flopsPerSecond).toBeGreaterThan(1e6);
    expect(p.method).toBe('js-float32-blocked-ikj');
  });

  it('uses a probe when given one', async () => {
    const probe = async () => ({ seconds: 0.002, method: 'fake-ort', threads: 4 });
    const p = await measurePeakFlops({ n: 100, minSeconds: 0, probe });
    // 2·100³ = 2e6 FLOPs in 2 ms = 1e9 FLOP/s.
    expect(p).toMatchObject({ flopsPerSecond: 1e9, method: 'fake-ort', threads: 4, n: 100 });
  });
});
