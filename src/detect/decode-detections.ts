import { ModelRunError } from '../errors/index.js';
import type { FloatTensor } from '../runtime/index.js';

/** One decoded peak: a label, its score and its box as corners in the detector's input pixels. */
export interface DecodedPeak {
  label: string;
  score: number;
  /** x0, y0, x1, y1 in detector-input pixels. */
  corners: [number, number, number, number];
}

export interface DecodeOptions {
  /** Peaks below this score are dropped. */
  minScore: number;
  /** At most this many peaks, the best first (the original graph keeps 100). */
  maxDetections: number;
  /** Of two boxes of the same label overlapping by more than this IoU, the weaker is dropped (1 keeps all). */
  maxOverlap: number;
}

/**
 * Decoding is ours rather than part of the ONNX graph so threshold and top-k stay runtime choices.
 * These defaults keep what grounding may use; it applies its own, stricter score.
 */
export const DECODE_DEFAULTS: DecodeOptions = { minScore: 0.2, maxDetections: 100, maxOverlap: 0.7 };

/**
 * CenterNet decoding: a cell is a detection of class c where the class heatmap has a local maximum
 * (equal to its 3×3 max-pool, the graph's own non-maximum suppression), scored by the heatmap; its box
 * is the cell's point (stride·col, stride·row) minus/plus the left, top, right and bottom distances of
 * the box head. Then the best `maxDetections`, and duplicates of one object (same label, high IoU) merged.
 */
export function decodeDetections(
  heatmap: FloatTensor,
  boxes: FloatTensor,
  labels: readonly string[],
  stride: number,
  options: Partial<DecodeOptions> = {},
): DecodedPeak[] {
  const o = { ...DECODE_DEFAULTS, ...options };
  const [batch, classes, gh, gw] = heatmap.dims;
  if (heatmap.dims.length !== 4 || batch !== 1 || classes !== labels.length) {
    throw new ModelRunError(`Detector heatmap has dims [${heatmap.dims.join(', ')}], expected [1, ${labels.length}, h, w] (one channel per label).`);
  }
  if (boxes.dims.length !== 4 || boxes.dims[0] !== 1 || boxes.dims[1] !== 4 || boxes.dims[2] !== gh || boxes.dims[3] !== gw) {
    throw new ModelRunError(`Detector boxes have dims [${boxes.dims.join(', ')}], expected [1, 4, ${gh}, ${gw}].`);
  }
  const cells = gh * gw;
  const hm = heatmap.data;
  const peaks: { c: number; i: number; score: number }[] = [];
  for (let c = 0; c < classes; c++) {
    const base = c * cells;
    for (let y = 0; y < gh; y++) {
      for (let x = 0; x < gw; x++) {
        const v = hm[base + y * gw + x];
        if (!(v >= o.minScore) || !isLocalMax(hm, base, gw, gh, x, y, v)) continue;
        peaks.push({ c, i: y * gw + x, score: v });
      }
    }
  }
  peaks.sort((p, q) => q.score - p.score || p.c - q.c || p.i - q.i);
  const bx = boxes.data;
  const kept: DecodedPeak[] = [];
  for (const p of peaks.slice(0, o.maxDetections)) {
    const px = (p.i % gw) * stride;
    const py = Math.floor(p.i / gw) * stride;
    const corners: DecodedPeak['corners'] = [px - bx[p.i], py - bx[cells + p.i], px + bx[2 * cells + p.i], py + bx[3 * cells + p.i]];
    if (!(corners[2] > corners[0] && corners[3] > corners[1])) continue; // an empty or inverted box grounds nothing
    const label = labels[p.c];
    if (kept.some((k) => k.label === label && iou(k.corners, corners) > o.maxOverlap)) continue;
    kept.push({ label, score: p.score, corners });
  }
  return kept;
}

/** v ≥ every 3×3 neighbour inside the grid (ties all count as peaks, as TF's Equal(x, MaxPool(x)) does). */
function isLocalMax(hm: Float32Array, base: number, gw: number, gh: number, x: number, y: number, v: number): boolean {
  for (let yy = Math.max(0, y - 1); yy <= Math.min(gh - 1, y + 1); yy++) {
    const row = base + yy * gw;
    for (let xx = Math.max(0, x - 1); xx <= Math.min(gw - 1, x + 1); xx++) if (hm[row + xx] > v) return false;
  }
  return true;
}

function iou(a: readonly number[], b: readonly number[]): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
}
