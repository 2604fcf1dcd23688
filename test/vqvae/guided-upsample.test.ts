import { describe, expect, it } from 'vitest';
import { guidedUpsample, resizeArea, resizeBilinear } from '../../src/vqvae/index.js';

describe('guidedUpsample', () => {
  it('keeps constant chroma constant', () => {
    const lowL = new Float32Array(16 * 12).map((_, i) => 30 + (i % 7) * 5);
    const ab = { a: new Float32Array(16 * 12).fill(12), b: new Float32Array(16 * 12).fill(-7) };
    const L = new Float32Array(64 * 48).map((_, i) => 30 + (i % 11) * 3);
    const up = guidedUpsample(ab, lowL, 16, 12, L, 64, 48);
    expect(Math.max(...up.a.map((v) => Math.abs(v - 12)))).toBeLessThan(1e-3);
    expect(Math.max(...up.b.map((v) => Math.abs(v + 7)))).toBeLessThan(1e-3);
  });

  it('puts chroma edges on the full-resolution lightness edge, sharper than bilinear', () => {
    // A dark red region left of x = 101 and a bright blue one right of it, at 200×20; decoded at 50×5.
    const W = 200;
    const H = 20;
    const edge = 101; // deliberately not on the low-resolution grid
    const L = new Float32Array(W * H).map((_, i) => (i % W < edge ? 30 : 80));
    const lw = 50;
    const lh = 5;
    const lowL = resizeArea(L, H, W, lh, lw);
    const a = lowL.map((l) => 40 - ((l - 30) / 50) * 80); // chroma follows L at low resolution: 40 … −40
    const b = new Float32Array(lw * lh);
    const up = guidedUpsample({ a, b }, lowL, lw, lh, L, W, H);
    const naive = resizeBilinear(a, 1, lh, lw, H, W);
    const row = 10 * W;
    expect(up.a[row + edge - 1]).toBeGreaterThan(30);
    expect(up.a[row + edge]).toBeLessThan(-30);
    // Bilinear smears the edge over several pixels: its values next to the edge are far from ±40.
    expect(Math.abs(naive[row + edge - 1] - 40)).toBeGreaterThan(10);
  });
});
