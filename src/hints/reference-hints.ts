import { resizeArea } from '../vqvae/bilinear.js';
import type { ResolvedHint } from './hint-shapes.js';

/** A reference photo as CIE Lab planes. */
export interface ReferenceLab {
  width: number;
  height: number;
  L: Float32Array;
  a: Float32Array;
  b: Float32Array;
}

export interface ReferenceHintOptions {
  /** Target cells per side: one hint per cell. */
  grid?: number;
  /** Weight of the position feature: 0 ignores layout, larger prefers the same place in the reference. */
  layoutWeight?: number;
}

const FEATURE_SIDE = 128;
const CANDIDATE_SIDE = 64;

/**
 * Colour transfer from a reference photo, as hints (after Welsh, Ashikhmin & Mueller 2002): the
 * reference's lightness is remapped to the photo's mean and spread, every pixel gets features
 * (local mean and spread of L, its place in the frame), and each cell of a grid over the photo takes
 * the chroma of the best-matching reference pixel at its flattest pixel. Semantic features join the
 * vector when a semantic encoder is in the pack; until then lightness, texture and layout do the matching.
 */
export function referenceHints(L: Float32Array, width: number, height: number, ref: ReferenceLab, options: ReferenceHintOptions = {}): ResolvedHint[] {
  const grid = options.grid ?? 24;
  const layout = options.layoutWeight ?? 0.35;
  const t = features(L, width, height, FEATURE_SIDE);
  const r = features(ref.L, ref.width, ref.height, CANDIDATE_SIDE);
  const ra = shrink(ref.a, ref.width, ref.height, r.w, r.h);
  const rb = shrink(ref.b, ref.width, ref.height, r.w, r.h);
  // Luminance remapping: compare shapes of the lightness distribution, not its absolute level.
  const tStats = stats(t.mean);
  const rStats = stats(r.mean);
  const gain = rStats.sd > 1e-6 ? tStats.sd / rStats.sd : 1;
  const rn = r.w * r.h;
  const cand = new Float32Array(rn * 4);
  for (let i = 0; i < rn; i++) {
    cand[4 * i] = ((r.mean[i] - rStats.mean) * gain + tStats.mean) / 100;
    cand[4 * i + 1] = (2 * r.sd[i] * gain) / 100;
    cand[4 * i + 2] = layout * ((i % r.w) + 0.5) / r.w;
    cand[4 * i + 3] = layout * (Math.floor(i / r.w) + 0.5) / r.h;
  }
  const hints: ResolvedHint[] = [];
  const cw = t.w / grid;
  const ch = t.h / grid;
  for (let gy = 0; gy < grid; gy++) {
    for (let gx = 0; gx < grid; gx++) {
      const x0 = Math.floor(gx * cw);
      const y0 = Math.floor(gy * ch);
      const x1 = Math.max(x0 + 1, Math.floor((gx + 1) * cw));
      const y1 = Math.max(y0 + 1, Math.floor((gy + 1) * ch));
      // The cell's flattest pixel: least likely to sit on an edge between two colours.
      let best = -1;
      for (let y = y0; y < Math.min(y1, t.h); y++) for (let x = x0; x < Math.min(x1, t.w); x++) if (best < 0 || t.sd[y * t.w + x] < t.sd[best]) best = y * t.w + x;
      if (best < 0) continue;
      const f0 = t.mean[best] / 100;
      const f1 = (2 * t.sd[best]) / 100;
      const f2 = layout * ((best % t.w) + 0.5) / t.w;
      const f3 = layout * (Math.floor(best / t.w) + 0.5) / t.h;
      let match = 0;
      let bestD = Infinity;
      for (let j = 0; j < rn; j++) {
        const d0 = cand[4 * j] - f0;
        const d1 = cand[4 * j + 1] - f1;
        const d2 = cand[4 * j + 2] - f2;
        const d3 = cand[4 * j + 3] - f3;
        const d = d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3;
        if (d < bestD) {
          bestD = d;
          match = j;
        }
      }
      const x = (((best % t.w) + 0.5) * width) / t.w - 0.5;
      const y = ((Math.floor(best / t.w) + 0.5) * height) / t.h - 0.5;
      hints.push({ shape: { kind: 'disk', x, y, r: 0 }, a: ra[match], b: rb[match], hard: false });
    }
  }
  return hints;
}

/** L shrunk to at most side×side (aspect kept), with its 3×3 mean and 5×5 standard deviation. */
function features(L: Float32Array, width: number, height: number, side: number) {
  const s = Math.min(1, side / Math.max(width, height));
  const w = Math.max(1, Math.round(width * s));
  const h = Math.max(1, Math.round(height * s));
  const small = shrink(L, width, height, w, h);
  return { w, h, mean: boxStat(small, w, h, 1, false), sd: boxStat(small, w, h, 2, true) };
}

function shrink(plane: Float32Array, width: number, height: number, w: number, h: number): Float32Array {
  return w === width && h === height ? plane : resizeArea(plane, height, width, h, w);
}

function boxStat(p: Float32Array, w: number, h: number, r: number, sd: boolean): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      let s2 = 0;
      let c = 0;
      for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) {
        for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) {
          const v = p[yy * w + xx];
          s += v;
          s2 += v * v;
          c++;
        }
      }
      const m = s / c;
      out[y * w + x] = sd ? Math.sqrt(Math.max(0, s2 / c - m * m)) : m;
    }
  }
  return out;
}

function stats(p: Float32Array): { mean: number; sd: number } {
  let s = 0;
  let s2 = 0;
  for (const v of p) {
    s += v;
    s2 += v * v;
  }
  const mean = s / p.length;
  return { mean, sd: Math.sqrt(Math.max(0, s2 / p.length - mean * mean)) };
}
