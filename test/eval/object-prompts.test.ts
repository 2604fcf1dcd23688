import { describe, expect, it } from 'vitest';
import { runSteering } from '../../src/eval/steering.js';
import { boxMask, objectPromptRows, promptableDetection } from '../../src/eval/object-prompts.js';
import { BASIC_COLORS, inHueFamily } from '../../src/eval/color-names.js';
import type { EvalImage } from '../../src/eval/eval-run.js';
import { toLab } from '../../src/eval/score.js';
import type { Detector } from '../../src/hints/index.js';
import { COLOR_LEXICON, hexToAb } from '../../src/prompts/index.js';
import { fakeColorize } from './fake-colorize.js';
import { fromFn } from './helpers.js';

function evalImage(): EvalImage {
  const gt = fromFn(32, 24, () => [120, 120, 120]);
  return { name: 'grey', file: 'grey.png', gt, lab: toLab(gt) };
}

describe('object prompts in eval --steering', () => {
  it('every basic colour word of the lexicon lies in its own hue family', () => {
    for (const c of BASIC_COLORS) {
      const [a, b] = hexToAb(COLOR_LEXICON[c]);
      expect(inHueFamily(50, a, b, c), c).toBe(true);
    }
    expect(inHueFamily(50, 3, 2, 'red')).toBe(false); // gray
  });

  it('asks for the best detection a prompt can name, above the grounding score', () => {
    const box = [0, 0, 10, 10] as [number, number, number, number];
    expect(promptableDetection([{ label: 'dog', box, score: 0.2 }])).toBeUndefined();
    // "red orange" reads as two colours: the fruit cannot be asked for, so the next detection is.
    expect(promptableDetection([{ label: 'orange', box, score: 0.9 }, { label: 'dining table', box, score: 0.5 }])?.label).toBe('dining table');
  });

  it('masks boxes by pixel centres', () => {
    expect(Array.from(boxMask(4, 2, [[1, 0, 2, 1]]))).toEqual([0, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('colorizes "<colour> <label>" per colour and scores the object against the automatic run', async () => {
    // The fake paints the whole photo: red for a red prompt, gray otherwise.
    const [ra, rb] = hexToAb('#c81e23');
    const colorize = fakeColorize((prompt) => (prompt.startsWith('red') ? [ra, rb] : [0, 0]));
    const detector: Detector = async () => [{ label: 'car', box: [8, 4, 16, 16], score: 0.8 }];
    const report = await runSteering({ images: [evalImage()], colorize, hintCounts: [], reference: false, detector, objectColors: ['red', 'green'] });
    expect(colorize.calls.map((c) => c.options.prompt ?? '')).toEqual(['', 'red car', 'green car']);
    const o = report.objects!;
    expect(o).toMatchObject({ images: 1, withObject: 1, majority: 0.5, automaticMajority: 0, perColor: { red: 1, green: 0 } });
    const [red, green] = o.cases;
    expect(red).toMatchObject({ label: 'car', color: 'red', objectShare: 1, boxShare: 1, automaticShare: 0 });
    expect(red.changeOutside).toBeGreaterThan(10); // the fake reddens everything: a real run must not
    expect(green.changeOutside).toBe(0);
    expect(objectPromptRows(o).at(-2)).toEqual(['all', '50.0 %', '2']);
  });

  it('skips photos where nothing is found, and runs no object prompts without a detector', async () => {
    const colorize = fakeColorize(() => [0, 0]);
    const report = await runSteering({ images: [evalImage()], colorize, hintCounts: [], reference: false, detector: async () => [] });
    expect(report.objects).toMatchObject({ images: 1, withObject: 0, cases: [] });
    expect((await runSteering({ images: [evalImage()], colorize, hintCounts: [], reference: false })).objects).toBeUndefined();
  });
});
