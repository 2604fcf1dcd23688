import { describe, expect, it } from 'vitest';
import { runSteering, sampleHints, steeringRows } from '../../src/eval/steering.js';
import type { EvalImage } from '../../src/eval/eval-run.js';
import { toLab } from '../../src/eval/score.js';
import { fakeColorize } from './fake-colorize.js';
import { fromFn } from './helpers.js';

function evalImage(): EvalImage {
  const gt = fromFn(32, 24, (x) => (x < 16 ? [40, 90, 160] : [200, 120, 60]));
  return { name: 'two', file: 'two.png', gt, lab: toLab(gt) };
}

describe('eval --steering', () => {
  it('samples hints repeatably, inside the border, with the ground truth colour', () => {
    const image = evalImage();
    const a = sampleHints(image, 5, 3);
    expect(sampleHints(image, 5, 3)).toEqual(a);
    expect(sampleHints(image, 5, 4)).not.toEqual(a);
    for (const h of a) {
      expect(h.x).toBeGreaterThanOrEqual(3);
      expect(h.x).toBeLessThan(29);
      expect(h.color).toBe(h.x < 16 ? '#285aa0' : '#c8783c');
    }
  });

  it('runs automatic, k hints and the ground truth as reference, and reports drops against automatic', async () => {
    // The fake ignores hints and reference: every system scores like automatic, so drops are 0.
    const colorize = fakeColorize(() => [0, 0]);
    const report = await runSteering({ images: [evalImage()], colorize, hintCounts: [1, 5] });
    expect(report.rows.map((r) => r.system)).toEqual(['automatic', 'hints k=1', 'hints k=5', 'reference (ground truth)']);
    // The last run is the single-hint check's: the blue half of the photo gets one hint.
    expect(colorize.calls.map((c) => c.options.hints?.length ?? 0)).toEqual([0, 1, 5, 0, 1]);
    expect(report.singleHint?.cases.map((c) => c.color)).toEqual(['blue']);
    expect(String(colorize.calls[3].options.reference)).toMatch(/^data:image\/png;base64,/);
    for (const r of report.rows) expect(r.drop).toBeCloseTo(0, 6);
    expect(report.rows[2].atHints).toBeCloseTo(report.rows[2].automatic.atHints!, 6);
    expect(steeringRows(report)[0]).toContain('ΔE00 whole');
  });
});
