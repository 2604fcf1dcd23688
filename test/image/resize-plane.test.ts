import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/errors/index.js';
import { makeContactSheet, readImage, resizePlane } from '../../src/image/index.js';

describe('resizePlane', () => {
  it('downscales a ramp to its average values and keeps the range', async () => {
    const w = 400;
    const h = 100;
    const ramp = new Float32Array(w * h).map((_, i) => ((i % w) / (w - 1)) * 100);
    const small = await resizePlane(ramp, w, h, 100, 25);
    expect(small.length).toBe(100 * 25);
    for (let x = 5; x < 95; x += 10) expect(small[10 * 100 + x]).toBeCloseTo((((x + 0.5) * 4 - 0.5) / (w - 1)) * 100, 0);
    expect(Math.min(...small)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...small)).toBeLessThanOrEqual(100);
  });

  it('upscales a step without ringing outside the input range', async () => {
    const step = new Float32Array(16 * 4).map((_, i) => (i % 16 < 8 ? 10 : 90));
    const big = await resizePlane(step, 16, 4, 64, 16);
    expect(Math.min(...big)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...big)).toBeLessThanOrEqual(90);
    expect(big[0]).toBeCloseTo(10, 2);
    expect(big[63]).toBeCloseTo(90, 2);
  });

  it('handles constant planes and same size, and refuses bad sizes', async () => {
    expect(Array.from(await resizePlane(new Float32Array(4).fill(42), 2, 2, 3, 1))).toEqual([42, 42, 42]);
    const p = new Float32Array([1, 2, 3, 4]);
    expect(Array.from(await resizePlane(p, 2, 2, 2, 2))).toEqual([1, 2, 3, 4]);
    await expect(resizePlane(p, 2, 2, 0, 1)).rejects.toBeInstanceOf(OptionsError);
    await expect(resizePlane(p, 3, 2, 1, 1)).rejects.toThrow(/expected 6 values \(3×2\), got 4/);
  });
});

describe('makeContactSheet', () => {
  it('lays rows out as a labelled PNG grid', async () => {
    const red = { width: 40, height: 20, rgb: new Uint8Array(40 * 20 * 3).map((_, i) => (i % 3 === 0 ? 255 : 0)) };
    const png = await makeContactSheet(
      [
        { label: 'ground truth <&>', images: [red, red] },
        { label: 'sample', images: [red] },
      ],
      { cellSize: 64 },
    );
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect([meta.width, meta.height]).toEqual([220 + 2 * 72 + 8, 2 * 72 + 8]);
    const sheet = await readImage(png);
    // Centre of the first cell is red; the empty second cell of row 2 is white.
    const at = (x: number, y: number) => Array.from(sheet.rgb.subarray((y * sheet.width + x) * 3, (y * sheet.width + x) * 3 + 3));
    expect(at(228 + 32, 8 + 32)).toEqual([255, 0, 0]);
    expect(at(228 + 72 + 32, 80 + 32)).toEqual([255, 255, 255]);
    await expect(makeContactSheet([])).rejects.toBeInstanceOf(OptionsError);
  });
});
