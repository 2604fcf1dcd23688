import { resizeBilinear } from './bilinear.js';

/**
 * Box mean of a plane with radius r (window (2r+1)², clipped at borders, divided by the true count):
 * two running-sum passes, O(pixels) whatever r is.
 */
function boxMean(src: Float32Array, w: number, h: number, r: number, out: Float32Array, tmp: Float32Array): Float32Array {
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let sum = 0;
    for (let x = 0; x <= Math.min(r, w - 1); x++) sum += src[row + x];
    for (let x = 0; x < w; x++) {
      const count = Math.min(w - 1, x + r) - Math.max(0, x - r) + 1;
      tmp[row + x] = sum / count;
      if (x + r + 1 < w) sum += src[row + x + r + 1];
      if (x - r >= 0) sum -= src[row + x - r];
    }
  }
  const col = new Float64Array(w);
  for (let y = 0; y <= Math.min(r, h - 1); y++) for (let x = 0; x < w; x++) col[x] += tmp[y * w + x];
  for (let y = 0; y < h; y++) {
    const count = Math.min(h - 1, y + r) - Math.max(0, y - r) + 1;
    for (let x = 0; x < w; x++) out[y * w + x] = col[x] / count;
    if (y + r + 1 < h) for (let x = 0; x < w; x++) col[x] += tmp[(y + r + 1) * w + x];
    if (y - r >= 0) for (let x = 0; x < w; x++) col[x] -= tmp[(y - r) * w + x];
  }
  return out;
}

export interface GuidedUpsampleOptions {
  /** Window radius at the low resolution. */
  radius?: number;
  /** Regularization on the guide's variance (guide is L/100): larger = smoother, less edge-following. */
  eps?: number;
}

/**
 * Fast guided upsampling (He & Sun's fast guided filter): fits chroma ≈ α·L + β locally at the decoded
 * resolution, upsamples α and β bilinearly, and evaluates them against the full-resolution L. Chroma
 * edges land on the original's lightness edges at a cost linear in pixels, so the lightness-aware
 * decoder need not run at full resolution on very large photos.
 */
export function guidedUpsample(
  ab: { a: Float32Array; b: Float32Array },
  lowL: Float32Array,
  lowW: number,
  lowH: number,
  L: Float32Array,
  width: number,
  height: number,
  options: GuidedUpsampleOptions = {},
): { a: Float32Array; b: Float32Array } {
  const r = options.radius ?? 2;
  const eps = options.eps ?? 1e-3;
  const n = lowW * lowH;
  const I = new Float32Array(n);
  for (let i = 0; i < n; i++) I[i] = lowL[i] / 100;
  const tmp = new Float32Array(n);
  const meanI = boxMean(I, lowW, lowH, r, new Float32Array(n), tmp);
  const sq = new Float32Array(n);
  for (let i = 0; i < n; i++) sq[i] = I[i] * I[i];
  const varI = boxMean(sq, lowW, lowH, r, new Float32Array(n), tmp);
  for (let i = 0; i < n; i++) varI[i] -= meanI[i] * meanI[i];

  // α, β of both channels packed as 4 planes so a single bilinear pass upsamples them.
  const coeffs = new Float32Array(4 * n);
  const meanP = new Float32Array(n);
  const meanIP = new Float32Array(n);
  [ab.a, ab.b].forEach((p, c) => {
    boxMean(p, lowW, lowH, r, meanP, tmp);
    for (let i = 0; i < n; i++) sq[i] = I[i] * p[i];
    boxMean(sq, lowW, lowH, r, meanIP, tmp);
    const alpha = coeffs.subarray(2 * c * n, (2 * c + 1) * n);
    const beta = coeffs.subarray((2 * c + 1) * n, (2 * c + 2) * n);
    for (let i = 0; i < n; i++) {
      alpha[i] = (meanIP[i] - meanI[i] * meanP[i]) / (varI[i] + eps);
      beta[i] = meanP[i] - alpha[i] * meanI[i];
    }
    // Smooth the coefficients as the guided filter does, so the full-resolution fit has no block edges.
    boxMean(alpha, lowW, lowH, r, meanP, tmp);
    alpha.set(meanP);
    boxMean(beta, lowW, lowH, r, meanP, tmp);
    beta.set(meanP);
  });
  const up = resizeBilinear(coeffs, 4, lowH, lowW, height, width);
  const N = width * height;
  const a = new Float32Array(N);
  const b = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    const g = L[i] / 100;
    a[i] = up[i] * g + up[N + i];
    b[i] = up[2 * N + i] * g + up[3 * N + i];
  }
  return { a, b };
}
