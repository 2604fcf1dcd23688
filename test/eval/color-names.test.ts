import { describe, expect, it } from 'vitest';
import { rgbToLab } from '../../src/color/index.js';
import { BASIC_COLORS, dominantColor, nameColor, regionBox } from '../../src/eval/color-names.js';
import { OptionsError } from '../../src/errors/index.js';
import { fromFn } from './helpers.js';

const name = (r: number, g: number, b: number) => {
  const lab = rgbToLab(Uint8Array.of(r, g, b), 1, 1);
  return nameColor(lab.L[0], lab.a[0], lab.b[0]);
};

describe('nameColor', () => {
  // CSS named colours, each the word a person would use for it.
  const swatches: [string, [number, number, number], string | null][] = [
    ['red', [255, 0, 0], 'red'],
    ['crimson', [220, 20, 60], 'red'],
    ['firebrick', [178, 34, 34], 'red'],
    ['orange', [255, 165, 0], 'orange'],
    ['darkorange', [255, 140, 0], 'orange'],
    ['yellow', [255, 255, 0], 'yellow'],
    ['gold', [255, 215, 0], 'yellow'],
    ['green', [0, 128, 0], 'green'],
    ['forestgreen', [34, 139, 34], 'green'],
    ['blue', [0, 0, 255], 'blue'],
    ['navy', [0, 0, 128], 'blue'],
    ['skyblue', [135, 206, 235], 'blue'],
    ['steelblue', [70, 130, 180], 'blue'],
    ['purple', [128, 0, 128], 'purple'],
    ['indigo', [75, 0, 130], 'purple'],
    ['violet', [238, 130, 238], 'purple'],
    ['pink', [255, 192, 203], 'pink'],
    ['hotpink', [255, 105, 180], 'pink'],
    ['deeppink', [255, 20, 147], 'pink'],
    ['saddlebrown', [139, 69, 19], 'brown'],
    ['sienna', [160, 82, 45], 'brown'],
    ['tan', [210, 180, 140], 'brown'],
    ['gray', [128, 128, 128], null],
    ['near-black blue', [0, 0, 10], null],
  ];
  it.each(swatches)('names %s', (_label, [r, g, b], expected) => {
    expect(name(r, g, b)).toBe(expected);
  });

  it('covers every basic colour', () => {
    const named = new Set(swatches.map(([, , e]) => e));
    for (const c of BASIC_COLORS) expect(named.has(c)).toBe(true);
  });
});

describe('dominantColor', () => {
  it('votes over the centre region only', () => {
    // 8×8: blue border, 4×4 red centre (x, y in 2..5) = exactly the default region [0.25, 0.75).
    const img = fromFn(8, 8, (x, y) => (x >= 2 && x < 6 && y >= 2 && y < 6 ? [220, 30, 30] : [20, 40, 220]));
    const d = dominantColor(rgbToLab(img.rgb, 8, 8));
    expect(d.color).toBe('red');
    expect(d.share).toBe(1);
    expect(d.counts.blue).toBe(0);
    expect(dominantColor(rgbToLab(img.rgb, 8, 8), { x: 0, y: 0, width: 1, height: 1 }).color).toBe('blue'); // 48 of 64
  });

  it('is null for a mostly gray region', () => {
    // 1 coloured pixel of 16 in the region: 6.25% < 10%.
    const img = fromFn(8, 8, (x, y) => (x === 3 && y === 3 ? [220, 30, 30] : [90, 90, 90]));
    const d = dominantColor(rgbToLab(img.rgb, 8, 8));
    expect(d.color).toBeNull();
    expect(d.chromaticShare).toBeCloseTo(1 / 16, 12);
  });

  it('checks the region', () => {
    expect(regionBox(10, 10, { x: 0.25, y: 0.25, width: 0.5, height: 0.5 })).toEqual({ x0: 2, y0: 2, x1: 8, y1: 8 });
    expect(() => regionBox(10, 10, { x: 0.6, y: 0, width: 0.5, height: 1 })).toThrow(OptionsError);
  });
});
