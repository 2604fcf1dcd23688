import { OptionsError } from '../errors/index.js';
import { checkSameRgb } from './check.js';
import type { Rgb8Image } from './types.js';

/**
 * SSIM of Wang, Bovik, Sheikh & Simoncelli (2004), computed per R, G, B channel and averaged.
 * Window: 11×11 Gaussian, σ = 1.5, normalised to sum 1; K1 = 0.01, K2 = 0.03, L = 255.
 * Region: "valid" — only windows that lie wholly inside the image, as in the authors' ssim_index.m
 * (filter2(..., 'valid')); no padding, so an image must be at least 11×11.
 * The Gaussian is separable, so each local statistic is two 1-D passes instead of one 2-D pass.
 */

export const SSIM_WINDOW = 11;
export const SSIM_SIGMA = 1.5;
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

const KERNEL = gaussianKernel(SSIM_WINDOW, SSIM_SIGMA);

export function gaussianKernel(size: number, sigma: number): Float64Array {
  const k = new Float64Array(size);
  const c = (size - 1) / 2;
  let sum = 0;
  for (let i = 0; i < size; i++) {
    k[i] = Math.exp(-((i - c) ** 2) / (2 * sigma * sigma));
    sum += k[i];
  }
  for (let i = 0; i < size; i++) k[i] /= sum;
  return k;
}

/** Whether SSIM is defined for this size (the valid region must hold at least one window). */
export function ssimDefinedFor(width: number, height: number): boolean {
  return width >= SSIM_WINDOW && height >= SSIM_WINDOW;
}

export function ssim(x: Rgb8Image, y: Rgb8Image): number {
  const n = checkSameRgb(x, y);
  const { width, height } = x;
  if (!ssimDefinedFor(width, height)) {
    throw new OptionsError(`SSIM needs images of at least ${SSIM_WINDOW}×${SSIM_WINDOW} pixels, got ${width}×${height}`);
  }
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  let total = 0;
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < n; i++) {
      px[i] = x.rgb[i * 3 + c];
      py[i] = y.rgb[i * 3 + c];
    }
    total += ssimPlane(px, py, width, height);
  }
  return total / 3;
}

/** Mean SSIM of one channel (values 0..255) over the valid region. */
export function ssimPlane(x: Float64Array, y: Float64Array, width: number, height: number): number {
  const n = width * height;
  const xx = new Float64Array(n);
  const yy = new Float64Array(n);
  const xy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xx[i] = x[i] * x[i];
    yy[i] = y[i] * y[i];
    xy[i] = x[i] * y[i];
  }
  const muX = filterValid(x, width, height);
  const muY = filterValid(y, width, height);
  const eXX = filterValid(xx, width, height);
  const eYY = filterValid(yy, width, height);
  const eXY = filterValid(xy, width, height);
  let sum = 0;
  for (let i = 0; i < muX.length; i++) {
    const mx = muX[i];
    const my = muY[i];
    const sxx = eXX[i] - mx * mx;
    const syy = eYY[i] - my * my;
    const sxy = eXY[i] - mx * my;
    sum += ((2 * mx * my + C1) * (2 * sxy + C2)) / ((mx * mx + my * my + C1) * (sxx + syy + C2));
  }
  return sum / muX.length;
}

/** Separable Gaussian filter keeping only full windows: out is (width−10)×(height−10). */
function filterValid(src: Float64Array, width: number, height: number): Float64Array {
  const k = KERNEL;
  const size = k.length;
  const ow = width - size + 1;
  const oh = height - size + 1;
  const rows = new Float64Array(ow * height);
  for (let yIdx = 0; yIdx < height; yIdx++) {
    const base = yIdx * width;
    for (let xIdx = 0; xIdx < ow; xIdx++) {
      let s = 0;
      for (let t = 0; t < size; t++) s += k[t] * src[base + xIdx + t];
      rows[yIdx * ow + xIdx] = s;
    }
  }
  const out = new Float64Array(ow * oh);
  for (let yIdx = 0; yIdx < oh; yIdx++) {
    for (let xIdx = 0; xIdx < ow; xIdx++) {
      let s = 0;
      for (let t = 0; t < size; t++) s += k[t] * rows[(yIdx + t) * ow + xIdx];
      out[yIdx * ow + xIdx] = s;
    }
  }
  return out;
}
