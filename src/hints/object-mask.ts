import { geodesicDistance } from './geodesic-distance.js';

/** A soft object mask over a crop of the solve grid: `data[y * w + x]` at grid pixel (x0 + x, y0 + y). */
export interface ObjectMask {
  x0: number;
  y0: number;
  w: number;
  h: number;
  /** 0..1: how much this pixel belongs to the object; 0 outside the box. */
  data: Float32Array;
  /** Pixels of the box's central half that look like the object: the colour's seeds. */
  seeds: Uint8Array;
}

export interface ObjectMaskOptions {
  /** Width of the ring around the box that samples the background, as a share of the box's longer side. */
  ring?: number;
  /** A lightness step of this size (L units, above the free floor) costs as much as the box's diagonal. */
  edgeStop?: number;
  edgeFloor?: number;
}

const BINS = 20;

/**
 * A detector's box holds the object and some background. Background is what the ring just outside the
 * box looks like: lightness common in the ring and rare in the box is background (GrabCut's idea, on L
 * alone). Seeds are the box's central pixels that do not look like background; every box pixel is then
 * object or background by which is geodesically nearer on L (Bai & Sapiro's geodesic matting: crossing
 * an edge of the photo is far), softly: mask = d_bg² / (d_obj² + d_bg²). A box with no ring (it fills the
 * photo) keeps the whole box, seeded from its centre.
 */
export function objectMask(
  L: Float32Array,
  width: number,
  height: number,
  /** Box in grid pixels: x0, y0, x1, y1 (inclusive ranges of pixel indices). */
  box: readonly [number, number, number, number],
  options: ObjectMaskOptions = {},
): ObjectMask {
  const { ring = 0.15, edgeStop = 12, edgeFloor = 2 } = options;
  const [bx0, by0, bx1, by1] = box;
  const bw = bx1 - bx0 + 1;
  const bh = by1 - by0 + 1;
  const m = Math.max(2, Math.round(ring * Math.max(bw, bh)));
  const x0 = Math.max(0, bx0 - m);
  const y0 = Math.max(0, by0 - m);
  const w = Math.min(width - 1, bx1 + m) - x0 + 1;
  const h = Math.min(height - 1, by1 + m) - y0 + 1;
  const n = w * h;
  const crop = new Float32Array(n);
  const inBox = new Uint8Array(n);
  const inCore = new Uint8Array(n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const gx = x0 + x;
      const gy = y0 + y;
      const i = y * w + x;
      crop[i] = L[gy * width + gx];
      if (gx >= bx0 && gx <= bx1 && gy >= by0 && gy <= by1) {
        inBox[i] = 1;
        // Central half of the box in each direction (at least its middle pixel).
        if (Math.abs(gx - (bx0 + bx1) / 2) <= Math.max(0.5, bw / 4) && Math.abs(gy - (by0 + by1) / 2) <= Math.max(0.5, bh / 4)) inCore[i] = 1;
      }
    }
  }
  const ringHist = new Float64Array(BINS);
  const boxHist = new Float64Array(BINS);
  let ringCount = 0;
  for (let i = 0; i < n; i++) {
    const bin = Math.min(BINS - 1, Math.max(0, Math.floor((crop[i] / 100) * BINS)));
    if (inBox[i]) boxHist[bin]++;
    else {
      ringHist[bin]++;
      ringCount++;
    }
  }
  const data = new Float32Array(n);
  // Too little of the photo outside the box to say what background looks like: the box is the object.
  if (ringCount < 0.1 * (n - ringCount)) {
    for (let i = 0; i < n; i++) data[i] = inBox[i];
    return { x0, y0, w, h, data, seeds: inCore };
  }
  const pRing = smoothHist(ringHist, ringCount);
  const pBox = smoothHist(boxHist, n - ringCount);
  const seeds = new Uint8Array(n);
  let seeded = 0;
  let core = 0;
  for (let i = 0; i < n; i++) {
    if (!inCore[i]) continue;
    core++;
    const bin = Math.min(BINS - 1, Math.max(0, Math.floor((crop[i] / 100) * BINS)));
    // Background-ness: 2/3 for background lightness in a half-background box, 0 for lightness the ring lacks.
    if (pRing[bin] / (pRing[bin] + pBox[bin]) < 0.5) {
      seeds[i] = 1;
      seeded++;
    }
  }
  // An object the same lightness as its surroundings: the box centre is all the evidence left.
  if (seeded < 0.05 * core) seeds.set(inCore);
  const gamma = Math.hypot(bw, bh) / edgeStop;
  const fgSeeds = new Int32Array(n).fill(-1);
  const bgSeeds = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (seeds[i]) fgSeeds[i] = 0;
    if (!inBox[i]) bgSeeds[i] = 0;
  }
  const dFg = geodesicDistance(crop, w, h, fgSeeds, gamma, edgeFloor).distance;
  const dBg = geodesicDistance(crop, w, h, bgSeeds, gamma, edgeFloor).distance;
  for (let i = 0; i < n; i++) {
    if (!inBox[i]) continue;
    const f = dFg[i] * dFg[i];
    const b = dBg[i] * dBg[i];
    data[i] = f + b === 0 ? 1 : b / (f + b);
  }
  return { x0, y0, w, h, data, seeds };
}

/** Histogram → probabilities, with a [1, 2, 1] blur so one bin's noise does not decide. */
function smoothHist(hist: Float64Array, count: number): Float64Array {
  const out = new Float64Array(hist.length);
  for (let k = 0; k < hist.length; k++) {
    const left = hist[Math.max(0, k - 1)];
    const right = hist[Math.min(hist.length - 1, k + 1)];
    out[k] = (left + 2 * hist[k] + right) / (4 * Math.max(1, count)) + 1e-6;
  }
  return out;
}
