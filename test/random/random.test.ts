import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/errors/index.js';
import { createGenerator, randomSeed, sampleSeed } from '../../src/random/index.js';
import { detExp, detLog } from '../../src/random/random-math.js';

/** Standard normal CDF via erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7, ample for a KS test). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return 0.5 * (1 + (x >= 0 ? erf : -erf));
}

describe('createGenerator', () => {
  it('pins the exact stream (same bits on every machine and run)', () => {
    const g = createGenerator(42);
    expect([g.nextUint32(), g.nextUint32(), g.nextUint32()]).toEqual([660444221, 3652823732, 77672526]);
    expect(Array.from(createGenerator(0).fillNormal(new Float32Array(4)))).toEqual([
      -0.998429000377655, 0.013968846760690212, 1.372534990310669, -1.8758858442306519,
    ]);
    const k = createGenerator(4294967295);
    expect(Array.from(k.fillNormal(new Float32Array(3)))).toEqual([1.5259454250335693, -0.7780840992927551, -0.18450717628002167]);
    expect(k.random()).toBe(0.5652051035911946);
  });

  it('fillNormal is the same stream as repeated randn, in any chunking', () => {
    const one = createGenerator(7);
    const expected = Float32Array.from({ length: 5000 }, () => one.randn());
    const chunked = new Float32Array(5000);
    const g = createGenerator(7);
    g.fillNormal(chunked, 0, 1234);
    g.fillNormal(chunked, 1234, 3000);
    g.fillNormal(chunked, 4234);
    expect(chunked).toEqual(expected);
  });

  it('clone continues the stream independently', () => {
    const g = createGenerator(99);
    g.fillNormal(new Float32Array(17));
    const c = g.clone();
    expect(c.seed).toBe(99);
    const a = g.fillNormal(new Float32Array(64));
    const b = c.fillNormal(new Float32Array(64));
    expect(b).toEqual(a);
    g.randn();
    expect(c.nextUint32()).not.toBe(g.nextUint32());
  });

  it('rejects seeds outside 0..2^32-1 and bad ranges', () => {
    for (const bad of [-1, 1.5, 2 ** 32, Number.NaN]) expect(() => createGenerator(bad)).toThrow(OptionsError);
    expect(() => createGenerator(1).fillNormal(new Float32Array(4), 2, 3)).toThrow(OptionsError);
  });

  it('draws standard normals: moments, tail mass and a Kolmogorov–Smirnov test', () => {
    const n = 200_000;
    const x = createGenerator(2024).fillNormal(new Float32Array(n));
    let s1 = 0, s2 = 0, s4 = 0, tail = 0;
    for (const v of x) {
      s1 += v;
      s2 += v * v;
      s4 += v ** 4;
      if (Math.abs(v) > 3.6541528853610088) tail++;
    }
    // Tolerances are 5 standard errors: SE(mean) = 1/sqrt(n), SE(var) = sqrt(2/n), SE(E x^4) = sqrt(96/n).
    expect(Math.abs(s1 / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(s4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
    // Mass beyond the Ziggurat's tail start R: 2(1 - Φ(R)) = 2.58e-4 (exercises the tail branch).
    const pTail = 2 * (1 - phi(3.6541528853610088));
    expect(Math.abs(tail / n - pTail)).toBeLessThan(5 * Math.sqrt(pTail / n));
    // KS: D < 1.63/sqrt(n) at the 1% level.
    const sorted = Float64Array.from(x).sort();
    let d = 0;
    for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(phi(sorted[i]) - (i + 0.5) / n));
    expect(d).toBeLessThan(1.63 / Math.sqrt(n));
  });

  it('random() is uniform on [0, 1)', () => {
    const g = createGenerator(5);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 50_000; i++) {
      const u = g.random();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
    }
    expect(outside).toBe(0);
    // SE of the mean of U(0,1) is sqrt(1/12/n).
    expect(Math.abs(sum / 50_000 - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / 50_000));
  });
});

describe('sampleSeed / randomSeed', () => {
  it('gives sample k the seed s + k mod 2^32', () => {
    expect(sampleSeed(10, 0)).toBe(10);
    expect(sampleSeed(10, 3)).toBe(13);
    expect(sampleSeed(4294967295, 1)).toBe(0);
    expect(() => sampleSeed(1, -1)).toThrow(OptionsError);
    const batch = createGenerator(sampleSeed(500, 2)).fillNormal(new Float32Array(8));
    expect(createGenerator(502).fillNormal(new Float32Array(8))).toEqual(batch);
  });

  it('randomSeed returns a valid seed', () => {
    const s = randomSeed();
    expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
    expect(() => createGenerator(s)).not.toThrow();
  });
});

describe('deterministic exp/log', () => {
  it('match Math.exp/Math.log to a few ulps', () => {
    for (let x = -30; x <= 30; x += 0.01337) expect(Math.abs(detExp(x) / Math.exp(x) - 1)).toBeLessThan(1e-15);
    for (let x = 1e-12; x < 1e12; x *= 1.91) expect(Math.abs(detLog(x) - Math.log(x))).toBeLessThan(1e-14 * Math.max(1, Math.abs(Math.log(x))));
    expect(detLog(1)).toBe(0);
    expect(detExp(0)).toBe(1);
  });
});
