import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/errors/index.js';
import { pairByStem } from '../../src/eval/pairing.js';

describe('pairByStem', () => {
  it('pairs x.png with x.* and numbered samples in numeric order', () => {
    const r = pairByStem(['b.jpg', 'a.png', 'c.webp', 'notes.txt'], ['a.webp', 'b_10.png', 'b_2.png', 'b_1.png', 'zz.png', 'c.txt']);
    expect(r.pairs).toEqual([
      { stem: 'a', gt: 'a.png', preds: ['a.webp'] },
      { stem: 'b', gt: 'b.jpg', preds: ['b_1.png', 'b_2.png', 'b_10.png'] },
    ]);
    expect(r.missing).toEqual(['c.webp']);
    expect(r.unmatched).toEqual(['zz.png']);
  });

  it('gives an exact stem match to its own ground truth, not as a sample of another', () => {
    const r = pairByStem(['a.png', 'a_1.png'], ['a_1.png', 'a_2.png']);
    expect(r.pairs).toEqual([
      { stem: 'a', gt: 'a.png', preds: ['a_2.png'] },
      { stem: 'a_1', gt: 'a_1.png', preds: ['a_1.png'] },
    ]);
  });

  it('refuses ambiguous names', () => {
    expect(() => pairByStem(['a.png', 'a.jpg'], [])).toThrow(OptionsError);
    expect(() => pairByStem(['a.png'], ['a.png', 'a.jpg'])).toThrow(/share the stem/);
    expect(() => pairByStem(['a.png'], ['a.png', 'a_1.png'])).toThrow(/ambiguous/);
  });

  it('sorts ground truths naturally', () => {
    const r = pairByStem(['img10.png', 'img2.png'], ['img10.png', 'img2.png']);
    expect(r.pairs.map((p) => p.stem)).toEqual(['img2', 'img10']);
  });
});
