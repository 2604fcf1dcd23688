import { resizeArea } from '../vqvae/bilinear.js';
import { guidedUpsample } from '../vqvae/guided-upsample.js';
import { domainTransformFilter } from './domain-transform.js';
import { geodesicDistance } from './geodesic-distance.js';
import { forEachPixelIn, type ResolvedHint } from './hint-shapes.js';
import { objectMask, type ObjectMask } from './object-mask.js';

/**
 * Where and how strongly hints replace the model's chroma: output = (1 − alpha)·model + (a, b), with
 * (a, b) premultiplied by alpha. Built once per run (it depends on L and the hints, not on samples).
 */
export interface HintField {
  width: number;
  height: number;
  alpha: Float32Array;
  a: Float32Array;
  b: Float32Array;
}

export interface HintFieldOptions {
  /** The solve runs at most at this many pixels; larger photos get the field by guided upsampling. */
  maxSolvePixels?: number;
  /** Reach of a hint inside its region, as a share of the image diagonal (alpha = e^(−(distance/reach)²)). */
  reach?: number;
  /** Lightness change (L units, summed along a path) that costs as much as one reach of distance. */
  edgeStop?: number;
  /** Lightness steps between neighbours up to this size (L units) cost nothing: texture, not edges. */
  edgeFloor?: number;
  /** Lightness step that stops the colour interpolation (domain transform σr, L units). */
  edgeRange?: number;
}

export const HINT_FIELD_DEFAULTS: Required<HintFieldOptions> = { maxSolvePixels: 512 * 512, reach: 0.6, edgeStop: 12, edgeFloor: 2, edgeRange: 8 };

/**
 * Edge-aware propagation of hints on the photo's lightness:
 * 1. seeds: each hint's shape rasterized at the solve size; an object box (a hint with `clip`) seeds
 *    from the object-like pixels of its centre instead (object-mask.ts);
 * 2. alpha: e^(−(geodesic distance / reach)²) from the nearest seed — flat near 1 in the hinted region
 *    (Gaussian, not exponential, so a region fills before it fades), falling off across the photo's edges;
 *    an object box's alpha is also scaled by its soft object mask, 0 outside the box;
 * 3. colour: normalized edge-aware convolution of the seeds' chroma (domain transform), so several
 *    hints blend inside a region and each keeps to its own side of an edge;
 * 4. full size: guided upsampling on the full-resolution L, then hard hints stamped exactly.
 */
export function buildHintField(L: Float32Array, width: number, height: number, hints: readonly ResolvedHint[], options: HintFieldOptions = {}): HintField {
  const o = { ...HINT_FIELD_DEFAULTS, ...options };
  const scale = Math.min(1, Math.sqrt(o.maxSolvePixels / (width * height)));
  const sw = Math.max(1, Math.round(width * scale));
  const sh = Math.max(1, Math.round(height * scale));
  const Ls = sw === width && sh === height ? L : resizeArea(L, height, width, sh, sw);
  const n = sw * sh;

  // 1. Seeds: label = hint index (later hints win), weight sums for the colour.
  const seeds = new Int32Array(n).fill(-1);
  const w = new Float64Array(n);
  const wa = new Float64Array(n);
  const wb = new Float64Array(n);
  const half = 0.5 * Math.max(width / sw, height / sh);
  // A light 3×3 blur first, so fine texture (foliage, grain) does not read as a wall of small edges.
  const Lb = hints.length > 0 ? blur3(Ls, sw, sh) : Ls;
  // Object boxes: the object's soft mask inside its box gates both its seeds and its reach.
  const masks = hints.map((hint) => (hint.clip !== undefined ? objectMask(Lb, sw, sh, gridBox(hint.clip, width / sw, height / sh, sw, sh)) : undefined));
  const seed = (k: number, i: number) => {
    seeds[i] = k;
    w[i] = 1;
    wa[i] = hints[k].a;
    wb[i] = hints[k].b;
  };
  for (const [k, hint] of hints.entries()) {
    const mask = masks[k];
    if (mask === undefined) {
      forEachPixelIn(hint.shape, width, height, sw, sh, half, (i) => seed(k, i));
      continue;
    }
    for (let y = 0; y < mask.h; y++) for (let x = 0; x < mask.w; x++) if (mask.seeds[y * mask.w + x]) seed(k, (mask.y0 + y) * sw + mask.x0 + x);
  }
  const alpha = new Float32Array(n);
  const premA = new Float32Array(n);
  const premB = new Float32Array(n);
  if (hints.length > 0 && seeds.some((s) => s >= 0)) {
    // 2. Alpha from the geodesic distance (solve pixels), reach relative to the diagonal.
    const reach = o.reach * Math.hypot(sw, sh);
    const { distance, label } = geodesicDistance(Lb, sw, sh, seeds, reach / o.edgeStop, o.edgeFloor);
    for (let i = 0; i < n; i++) {
      if (label[i] < 0) continue;
      const d = distance[i] / reach;
      const mask = masks[label[i]];
      alpha[i] = Math.exp(-d * d) * (mask === undefined ? 1 : maskAt(mask, i % sw, Math.floor(i / sw)));
    }
    // 3. Colour: normalized convolution; pixels no seed reaches take the seeds' mean.
    domainTransformFilter([w, wa, wb], Ls, sw, sh, Math.hypot(sw, sh) * 0.5, o.edgeRange);
    const mean = seedMean(hints);
    for (let i = 0; i < n; i++) {
      const ok = w[i] > 1e-200; // far across edges the weight underflows long before the ratio is unreliable
      premA[i] = alpha[i] * (ok ? wa[i] / w[i] : mean[0]);
      premB[i] = alpha[i] * (ok ? wb[i] / w[i] : mean[1]);
    }
  }
  let field: HintField = { width: sw, height: sh, alpha, a: premA, b: premB };
  // 4. Full size along the photo's own edges; guided upsampling may overshoot, so alpha is clamped.
  if (sw !== width || sh !== height) {
    const up = guidedUpsample({ a: premA, b: premB }, Ls, sw, sh, L, width, height);
    const upAlpha = guidedUpsample({ a: alpha, b: new Float32Array(n) }, Ls, sw, sh, L, width, height).a;
    for (let i = 0; i < upAlpha.length; i++) upAlpha[i] = Math.min(1, Math.max(0, upAlpha[i]));
    field = { width, height, alpha: upAlpha, a: up.a, b: up.b };
  }
  for (const hint of hints) {
    if (!hint.hard) continue;
    forEachPixelIn(hint.shape, width, height, width, height, 0, (i) => {
      field.alpha[i] = 1;
      field.a[i] = hint.a;
      field.b[i] = hint.b;
    });
  }
  return field;
}

/** (1 − alpha)·model + premultiplied hint chroma. */
export function applyHintField(ab: { a: Float32Array; b: Float32Array }, field: HintField): { a: Float32Array; b: Float32Array } {
  const n = ab.a.length;
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const keep = 1 - field.alpha[i];
    a[i] = keep * ab.a[i] + field.a[i];
    b[i] = keep * ab.b[i] + field.b[i];
  }
  return { a, b };
}

function blur3(p: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      let c = 0;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++) {
        for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
          s += p[yy * w + xx];
          c++;
        }
      }
      out[y * w + x] = s / c;
    }
  }
  return out;
}

/** The solve-grid pixels whose centres lie in a box (x, y, w, h in input pixels); at least the nearest one. */
function gridBox(clip: readonly [number, number, number, number], sx: number, sy: number, sw: number, sh: number): [number, number, number, number] {
  const lo = (v: number, s: number, n: number) => Math.min(n - 1, Math.max(0, Math.ceil((v + 0.5) / s - 0.5)));
  const hi = (v: number, s: number, n: number, from: number) => Math.min(n - 1, Math.max(from, Math.floor((v + 0.5) / s - 0.5)));
  const x0 = lo(clip[0], sx, sw);
  const y0 = lo(clip[1], sy, sh);
  return [x0, y0, hi(clip[0] + clip[2], sx, sw, x0), hi(clip[1] + clip[3], sy, sh, y0)];
}

function maskAt(mask: ObjectMask, gx: number, gy: number): number {
  const x = gx - mask.x0;
  const y = gy - mask.y0;
  return x < 0 || y < 0 || x >= mask.w || y >= mask.h ? 0 : mask.data[y * mask.w + x];
}

function seedMean(hints: readonly ResolvedHint[]): [number, number] {
  let a = 0;
  let b = 0;
  for (const h of hints) {
    a += h.a;
    b += h.b;
  }
  return [a / hints.length, b / hints.length];
}
