import { describe, expect, it } from 'vitest';
import { markdownTable, perImageRows, textTable, toMarkdown, totalsRows, type SystemScores } from '../../src/eval/report.js';
import type { ImageScore } from '../../src/eval/score.js';
import { totalScore } from '../../src/eval/score.js';

const image = (name: string, samples: number, psnr: number): ImageScore => ({
  name,
  width: 4,
  height: 3,
  samples,
  psnr,
  ssim: null,
  colorfulnessPred: 10,
  colorfulnessGt: 20,
  colorfulnessAbsDelta: 10,
  colorfulnessRatio: 0.5,
  ciede2000: 5.123,
  lightnessError: 0.2,
  diversity: samples > 1 ? 3 : null,
  bestOfNPsnr: psnr,
});

const system = (name: string, images: ImageScore[]): SystemScores => ({ name, images, total: totalScore(images) });

describe('report tables', () => {
  it('puts systems side by side in the totals', () => {
    const rows = totalsRows([system('model', [image('a', 1, 25)]), system('gray', [image('a', 1, 22)])]);
    expect(rows[0]).toEqual(['metric', 'model', 'gray']);
    expect(rows).toContainEqual(['PSNR (dB) ↑', '25.00', '22.00']);
    expect(rows).toContainEqual(['SSIM ↑', '–', '–']);
    // One sample per image: diversity and best-of-N are left out.
    expect(rows.some((r) => r[0].startsWith('diversity'))).toBe(false);
  });

  it('shows diversity and best-of-N when there are several samples', () => {
    const rows = perImageRows(system('model', [image('a', 4, 25)]));
    expect(rows[0]).toContain('diversity');
    expect(rows[1]).toEqual(['a', '4×3', '4', '25.00', '–', '10.00', '20.00', '10.00', '0.500', '5.12', '0.200', '3.00', '25.00']);
  });

  it('writes a markdown table with escaped pipes and right-aligned numbers', () => {
    expect(markdownTable([['h', '|x|'], ['a', '1']], 1)).toBe('| h | \\|x\\| |\n| --- | ---: |\n| a | 1 |');
    const md = toMarkdown([system('model', [image('a', 1, 25)])], 'Kodak24');
    expect(md).toContain('## Kodak24');
    expect(md).toContain('### Per image: model');
  });

  it('aligns plain-text columns by code points', () => {
    expect(textTable([['n', 'ΔE'], ['abc', '1.5']])).toBe('n     ΔE\n───  ───\nabc  1.5');
  });
});
