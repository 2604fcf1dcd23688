import { describe, expect, it } from 'vitest';
import { resizeAntialiased, semanticInput } from '../../src/vqvae/index.js';

/** 16 x 16 vertical stripes two pixels wide: 0, 0, 1, 1, 0, 0, ... */
const stripes = Float32Array.from({ length: 256 }, (_, i) => ((i % 16) >> 1) & 1);

describe('semanticInput (L as the semantic encoder saw it in training)', () => {
  it('goes straight to the input size without a sourceSize (antialiased bilinear, as training/data.py resize)', () => {
    const out = semanticInput(stripes, 16, 16, 8);
    expect(out).toEqual(resizeAntialiased(stripes, 1, 16, 16, 8, 8));
    // 2-px stripes at 16 are 1-px stripes at 8, softened by the triangle filter but not gone.
    expect(Math.max(...out) - Math.min(...out)).toBeGreaterThan(0.5);
  });

  it('passes through sourceSize by bicubic: detail finer than the training photos is gone, then enlarged', () => {
    // At 4 px each pixel averages whole periods of dark and light columns: nearly flat near 0.5 (the full
    // 0..1 swing is gone; bicubic's lobes leave a few hundredths at the borders), and so at 8 px.
    const out = semanticInput(stripes, 16, 16, 8, 4);
    expect(out).toHaveLength(64);
    expect(out).toEqual(resizeAntialiased(resizeAntialiased(stripes, 1, 16, 16, 4, 4, 'bicubic'), 1, 4, 4, 8, 8));
    for (const v of out) expect(Math.abs(v - 0.5)).toBeLessThan(0.1);
  });

  it('enlarges a photo smaller than sourceSize instead of averaging nothing', () => {
    const small = new Float32Array(6 * 5).fill(0.25);
    const out = semanticInput(small, 6, 5, 32, 16);
    expect(out).toHaveLength(32 * 32);
    for (const v of out) expect(v).toBeCloseTo(0.25, 6);
  });

  it('ignores a sourceSize that is not smaller than the input size', () => {
    expect(semanticInput(stripes, 16, 16, 8, 8)).toEqual(semanticInput(stripes, 16, 16, 8));
  });
});

describe('semanticInput on a long, thin photo', () => {
  it('averages the long side instead of sampling it (no aliasing of fine stripes)', () => {
    // 64 x 4, columns 3 and 4 of every 8 light: reduced to 8 px wide each pixel holds about a quarter of light;
    // sampling would pick columns 3.5, 11.5, … and see only light.
    const thin = Float32Array.from({ length: 64 * 4 }, (_, i) => (i % 8 === 3 || i % 8 === 4 ? 1 : 0));
    const out = semanticInput(thin, 64, 4, 16, 8);
    for (const v of out) expect(Math.abs(v - 0.25)).toBeLessThan(0.03);
  });
});
