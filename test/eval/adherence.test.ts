import { describe, expect, it } from 'vitest';
import { parseAdherenceTargets } from '../../src/eval/adherence-targets.js';
import { adherenceRows, runAdherence, summarizeAdherence, type AdherenceImage } from '../../src/eval/adherence.js';
import { CENTER_REGION } from '../../src/eval/color-names.js';
import type { EvalImage } from '../../src/eval/eval-run.js';
import { toLab } from '../../src/eval/score.js';
import { OptionsError } from '../../src/errors/index.js';
import { fakeColorize } from './fake-colorize.js';
import { solid } from './helpers.js';

// Chroma that the colour namer calls each word at mid lightness (L 55); pink and the light
// colours need more lightness, which a mid-gray photo does not have: the fake cannot make them.
const AB: Record<string, [number, number]> = {
  red: [60, 45],
  orange: [25, 60],
  yellow: [-5, 70],
  green: [-50, 40],
  blue: [10, -55],
  purple: [50, -30],
  brown: [15, 35],
};

const image = (name: string, gray: number): EvalImage => {
  const gt = solid(16, 16, gray, gray, gray);
  return { name, file: `${name}.png`, gt, lab: toLab(gt) };
};

describe('runAdherence', () => {
  it('counts runs whose region shows the requested colour, beside the no-prompt run', async () => {
    // No prompt → blue; "<c> object" → AB[c] (pink → no chroma, so the region stays gray).
    const colorize = fakeColorize((prompt) => (prompt === '' ? AB.blue : AB[prompt.split(' ')[0]] ?? [0, 0]));
    // Mid gray (L ≈ 54.0) is dark enough for brown (L < 50 needed) to come out orange, so brown fails too.
    const report = await runAdherence({ images: [image('x', 128)], colorize });
    expect(colorize.calls.map((c) => c.options.prompt)).toEqual([
      '',
      'red object',
      'orange object',
      'yellow object',
      'green object',
      'blue object',
      'purple object',
      'pink object',
      'brown object',
    ]);
    expect(colorize.calls.every((c) => c.options.samples === 1 && c.options.seed === 0)).toBe(true);
    const runs = report.images[0].runs;
    expect(runs.filter((r) => r.match).map((r) => r.requested)).toEqual(['red', 'orange', 'yellow', 'green', 'blue', 'purple']);
    expect(runs.find((r) => r.requested === 'pink')?.dominant).toBeNull();
    expect(report.share).toBeCloseTo(6 / 8, 12);
    // No-prompt output is blue: it "matches" 1 of the 8 requests.
    expect(report.images[0].noPrompt).toMatchObject({ requested: null, dominant: 'blue', match: false });
    expect(report.noPromptShare).toBeCloseTo(1 / 8, 12);
    expect(report.perColor).toMatchObject({ red: 1, pink: 0, brown: 0 });
  });

  it('uses the object word and region of a targets file', async () => {
    const colorize = fakeColorize(() => AB.red);
    const targets = parseAdherenceTargets({ x: { object: 'boat', region: [0, 0, 0.5, 1] } });
    const report = await runAdherence({ images: [image('x', 100)], colorize, targets, colors: ['red'] });
    expect(colorize.calls.map((c) => c.options.prompt)).toEqual(['', 'red boat']);
    expect(report.images[0]).toMatchObject({ object: 'boat', region: { x: 0, y: 0, width: 0.5, height: 1 } });
    expect(report.share).toBe(1);
  });
});

describe('summarizeAdherence', () => {
  it('averages over images and colours', () => {
    const run = (requested: 'red' | 'blue', dominant: 'red' | 'blue' | null) => ({ requested, prompt: '', dominant, share: 1, match: requested === dominant });
    const images: AdherenceImage[] = [
      { name: 'a', object: 'o', region: CENTER_REGION, noPrompt: { ...run('red', 'red'), requested: null, match: false }, runs: [run('red', 'red'), run('blue', 'red')] },
      { name: 'b', object: 'o', region: CENTER_REGION, noPrompt: { ...run('red', null), requested: null, match: false }, runs: [run('red', 'red'), run('blue', 'blue')] },
    ];
    const s = summarizeAdherence(['red', 'blue'], images);
    expect(s.share).toBe(3 / 4);
    // Only image a's no-prompt output (red) matches one of its two requests: 1 of 4.
    expect(s.noPromptShare).toBe(1 / 4);
    expect(s.perColor).toMatchObject({ red: 1, blue: 0.5 });
    expect(adherenceRows(s).slice(-2)).toEqual([
      ['all prompted runs', '75.0%'],
      ['no prompt (chance baseline)', '25.0%'],
    ]);
  });
});

describe('parseAdherenceTargets', () => {
  it('defaults the region to the centre and refuses regions outside the image', () => {
    expect(parseAdherenceTargets({ a: { object: 'car' } }).get('a')).toEqual({ object: 'car', region: CENTER_REGION });
    expect(() => parseAdherenceTargets({ a: { object: 'car', region: [0.8, 0, 0.5, 1] } })).toThrow(OptionsError);
    expect(() => parseAdherenceTargets({ a: { thing: 'car' } })).toThrow(/invalid adherence targets/);
  });
});
