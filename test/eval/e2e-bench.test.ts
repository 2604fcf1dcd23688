// src/bench/e2e-bench.ts is tested here because test/bench belongs to the lead.
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FULL_CASES, QUICK_CASES, flopsPerStep, runE2eBench, syntheticGrayRgb } from '../../src/bench/e2e-bench.js';
import type { ColorizeInput, ColorizeOptions, ColorizeResult } from '../../src/pipeline/index.js';

const manifest = (flops?: { guider: number; prior: number }) => ({
  workingSize: 32,
  latent: { downsample: 4 },
  components: {
    guider: { parameters: 1000, ...(flops ? { flops: flops.guider } : {}) },
    prior: { parameters: 3000, ...(flops ? { flops: flops.prior } : {}) },
  },
});

describe('flopsPerStep', () => {
  it('estimates 2 · parameters · latent positions without recorded FLOPs', () => {
    // (1000 + 3000) parameters × 2 × (32/4)² = 4000 × 2 × 64 = 512 000.
    expect(flopsPerStep(manifest())).toMatchObject({ perItem: 512_000, source: 'estimate' });
  });

  it('prefers FLOPs recorded in the manifest', () => {
    expect(flopsPerStep(manifest({ guider: 5e6, prior: 7e6 }))).toMatchObject({ perItem: 12e6, source: 'manifest' });
  });
});

describe('cases', () => {
  it('covers 256², 512², 1024² and 12 MP with 1 and 4 samples, smallest first', () => {
    expect(FULL_CASES).toHaveLength(8);
    expect(new Set(FULL_CASES.map((c) => c.label))).toEqual(new Set(['256²', '512²', '1024²', '12MP']));
    const cost = FULL_CASES.map((c) => c.width * c.height * c.samples);
    expect(cost).toEqual([...cost].sort((a, b) => a - b));
    expect(QUICK_CASES.length).toBeLessThan(FULL_CASES.length);
  });

  it('makes a gray test image with texture', () => {
    const rgb = syntheticGrayRgb(50, 40);
    expect(rgb).toHaveLength(50 * 40 * 3);
    expect(rgb[3]).toBe(rgb[4]);
    expect(new Set(rgb).size).toBeGreaterThan(20);
  });
});

describe('runE2eBench', () => {
  it('times each case and reports the achieved share of the peak', async () => {
    const calls: { input: ColorizeInput; options: ColorizeOptions }[] = [];
    const colorize = async (input: ColorizeInput, options: ColorizeOptions): Promise<ColorizeResult> => {
      calls.push({ input, options });
      const samples = options.samples ?? 1;
      return {
        width: 1,
        height: 1,
        samples: [],
        seed: 1,
        steps: 20,
        scheduler: 'ddim',
        guidance: 2.5,
        temperature: 1,
        anchor: 0,
        model: 'tiny',
        prompt: { text: '', negative: '', understood: [] },
        // Denoising takes 10 ms per sample.
        timings: { readMs: 1, loadMs: 0, prepareMs: 0, denoiseMs: 10 * samples, decodeMs: 2, upsampleMs: 0, fuseMs: 0, encodeMs: 1, totalMs: 20, modelMs: 9 },
      };
    };
    const peak = { flopsPerSecond: 1e9, method: 'fixed', n: 1, threads: 1, repeats: 3, seconds: 0 };
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const table = vi.spyOn(console, 'table').mockImplementation(() => {});
    try {
      const r = await runE2eBench({ model: path.resolve('test/fixtures/tiny-pack'), quick: true, colorize, peak });
      const rows = r.rows as Record<string, number | string>[];
      expect(rows.map((row) => [row.size, row.samples])).toEqual(QUICK_CASES.map((c) => [c.label, c.samples]));
      // First call is the warm-up; the cases pass encoded PNGs, as a user would.
      expect(Buffer.isBuffer(calls[1].input)).toBe(true);
      const f = (r.flopsPerStep as { perItem: number }).perItem;
      // No prompt → unguided: FLOPs = perItem × samples × 20 steps, in 10 ms × samples.
      expect(rows[0].achievedGflops).toBeCloseTo((f * 20) / 0.01 / 1e9, 3);
      expect(rows[0].peakShare).toBeCloseTo((f * 20) / 0.01 / 1e9, 4);
      expect(rows[0].peakRssMB).toBeGreaterThan(0);
    } finally {
      log.mockRestore();
      table.mockRestore();
    }
  });
});
