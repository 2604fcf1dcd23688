import { describe, expect, it } from 'vitest';
import { decodeDetections, detectObjects } from '../../src/detect/index.js';
import { ModelPackError, ModelRunError } from '../../src/errors/index.js';
import type { ModelPack } from '../../src/packs/index.js';
import type { FloatTensor } from '../../src/runtime/index.js';

const LABELS = ['person', 'car'];
const G = 16; // grid cells per side
const STRIDE = 4;

/** Heatmap [1, 2, G, G] with the given peaks; boxes [1, 4, G, G] with the same l, t, r, b everywhere. */
function synthetic(peaks: { c: number; x: number; y: number; v: number }[], ltrb = [6, 5, 10, 7]): { heatmap: FloatTensor; boxes: FloatTensor } {
  const hm = new Float32Array(LABELS.length * G * G).fill(0.01);
  for (const p of peaks) hm[p.c * G * G + p.y * G + p.x] = p.v;
  const bx = new Float32Array(4 * G * G);
  for (let k = 0; k < 4; k++) bx.fill(ltrb[k], k * G * G, (k + 1) * G * G);
  return { heatmap: { data: hm, dims: [1, LABELS.length, G, G] }, boxes: { data: bx, dims: [1, 4, G, G] } };
}

describe('decodeDetections (CenterNet peaks → boxes)', () => {
  it('turns a peak into its label, score and box around the cell point', () => {
    const { heatmap, boxes } = synthetic([{ c: 1, x: 5, y: 3, v: 0.8 }]);
    const [car, ...rest] = decodeDetections(heatmap, boxes, LABELS, STRIDE);
    expect(rest).toEqual([]);
    expect(car.label).toBe('car');
    expect(car.score).toBeCloseTo(0.8, 6);
    // Cell point (20, 12); left 6, top 5, right 10, bottom 7.
    expect(car.corners).toEqual([14, 7, 30, 19]);
  });

  it('keeps only 3×3 local maxima: a weaker neighbour of a peak is not a second detection', () => {
    const { heatmap, boxes } = synthetic([
      { c: 0, x: 8, y: 8, v: 0.9 },
      { c: 0, x: 9, y: 8, v: 0.7 }, // beside the peak: suppressed
      { c: 0, x: 2, y: 13, v: 0.6 }, // far away: its own peak
      { c: 1, x: 9, y: 8, v: 0.5 }, // another class at the same place: not suppressed by the person
    ]);
    const found = decodeDetections(heatmap, boxes, LABELS, STRIDE);
    expect(found.map((d) => [d.label, +d.score.toFixed(2)])).toEqual([['person', 0.9], ['person', 0.6], ['car', 0.5]]);
  });

  it('applies the score threshold and top-k, best first', () => {
    const peaks = Array.from({ length: 6 }, (_, k) => ({ c: 0, x: 2 + 2 * k, y: 2 + 2 * k, v: 0.3 + 0.1 * k }));
    const { heatmap, boxes } = synthetic([...peaks, { c: 1, x: 1, y: 14, v: 0.25 }], [1, 1, 1, 1]);
    expect(decodeDetections(heatmap, boxes, LABELS, STRIDE, { minScore: 0.5 }).map((d) => +d.score.toFixed(2))).toEqual([0.8, 0.7, 0.6, 0.5]);
    expect(decodeDetections(heatmap, boxes, LABELS, STRIDE, { maxDetections: 2 }).map((d) => +d.score.toFixed(2))).toEqual([0.8, 0.7]);
    expect(decodeDetections(heatmap, boxes, LABELS, STRIDE, { minScore: 0.9 })).toEqual([]);
  });

  it('merges duplicates of one object (same label, overlapping boxes) and drops empty boxes', () => {
    const { heatmap, boxes } = synthetic([{ c: 0, x: 4, y: 4, v: 0.9 }, { c: 0, x: 6, y: 4, v: 0.8 }], [40, 40, 40, 40]);
    expect(decodeDetections(heatmap, boxes, LABELS, STRIDE)).toHaveLength(1);
    expect(decodeDetections(heatmap, boxes, LABELS, STRIDE, { maxOverlap: 1 })).toHaveLength(2);
    const empty = synthetic([{ c: 0, x: 4, y: 4, v: 0.9 }], [-3, 1, 1, 1]);
    expect(decodeDetections(empty.heatmap, empty.boxes, LABELS, STRIDE)).toEqual([]);
  });

  it('refuses outputs whose shapes do not match the labels (ModelRunError)', () => {
    const { heatmap, boxes } = synthetic([]);
    expect(() => decodeDetections(heatmap, boxes, ['person'], STRIDE)).toThrow(ModelRunError);
    expect(() => decodeDetections(heatmap, { data: boxes.data, dims: [1, 4, G, G / 2] }, LABELS, STRIDE)).toThrow(/boxes/);
  });
});

describe('detectObjects', () => {
  /** A pack whose detector returns the synthetic outputs, to check the photo-pixel boxes. */
  const fakePack = (outputs: Record<string, FloatTensor>, seen: { dims?: readonly number[] } = {}) =>
    ({
      name: 'fake',
      manifest: { detector: { inputSize: G * STRIDE, stride: STRIDE, labels: LABELS, origin: 'test' } },
      models: { detector: { run: async (feeds: Record<string, FloatTensor>) => ((seen.dims = feeds.lightness.dims), outputs) } },
    }) as unknown as ModelPack;

  it('feeds L squeezed to the square input and stretches boxes back to the photo', async () => {
    const seen: { dims?: readonly number[] } = {};
    const pack = fakePack(synthetic([{ c: 1, x: 5, y: 3, v: 0.8 }]), seen);
    const [car] = await detectObjects(pack, { width: 128, height: 32, L: new Float32Array(128 * 32).fill(50) });
    expect(seen.dims).toEqual([1, 1, 64, 64]);
    // Corners (14, 7)–(30, 19) at 64×64 → ×2 across, ×0.5 down.
    expect(car).toMatchObject({ label: 'car', box: [28, 3.5, 32, 6] });
  });

  it('is a ModelPackError on a pack without a detector', async () => {
    const pack = { name: 'none', manifest: {}, models: {} } as unknown as ModelPack;
    await expect(detectObjects(pack, { width: 4, height: 4, L: new Float32Array(16) })).rejects.toBeInstanceOf(ModelPackError);
  });
});
