import { describe, expect, it } from 'vitest';
import { centerCropSquare, resizeRgb, squareAt } from '../../src/eval/resize.js';
import { fromFn } from './helpers.js';

const gray = (w: number, h: number, f: (x: number, y: number) => number) =>
  fromFn(w, h, (x, y) => {
    const v = f(x, y);
    return [v, v, v];
  });
const channel0 = (img: { rgb: Uint8Array }) => Array.from(img.rgb.filter((_, i) => i % 3 === 0));

describe('centerCropSquare', () => {
  it('keeps the middle square', () => {
    // 5×2: columns 0..4, side 2, left margin floor(3/2) = 1 → columns 1, 2.
    const img = gray(5, 2, (x, y) => x * 10 + y);
    const c = centerCropSquare(img);
    expect([c.width, c.height]).toEqual([2, 2]);
    expect(channel0(c)).toEqual([10, 20, 11, 21]);
  });
});

describe('resizeRgb', () => {
  it('averages areas when shrinking', () => {
    // 4×1 [0, 100, 200, 40] → 2×1: (0+100)/2 = 50, (200+40)/2 = 120.
    expect(channel0(resizeRgb(gray(4, 1, (x) => [0, 100, 200, 40][x]), 2, 1))).toEqual([50, 120]);
    // 3×1 [0, 90, 30] → 2×1: each output covers 1.5 source pixels:
    // (0 + 0.5·90)/1.5 = 30 and (0.5·90 + 30)/1.5 = 50.
    expect(channel0(resizeRgb(gray(3, 1, (x) => [0, 90, 30][x]), 2, 1))).toEqual([30, 50]);
  });

  it('interpolates between pixel centres when enlarging', () => {
    // 2×1 [0, 100] → 4×1: centres map to −0.25 (clamped), 0.25, 0.75, 1.25 (clamped): 0, 25, 75, 100.
    expect(channel0(resizeRgb(gray(2, 1, (x) => [0, 100][x]), 4, 1))).toEqual([0, 25, 75, 100]);
  });

  it('resizes both axes and all channels', () => {
    const img = fromFn(4, 4, (x, y) => [x < 2 && y < 2 ? 200 : 0, 40, 7]);
    const r = squareAt(img, 2);
    expect(Array.from(r.rgb)).toEqual([200, 40, 7, 0, 40, 7, 0, 40, 7, 0, 40, 7]);
  });
});
