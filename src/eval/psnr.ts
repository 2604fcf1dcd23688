import { checkSameRgb } from './check.js';
import type { Rgb8Image } from './types.js';

/** Mean squared error over all pixels and the three channels, in 8-bit units². */
export function mse(x: Rgb8Image, y: Rgb8Image): number {
  const n = checkSameRgb(x, y) * 3;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = x.rgb[i] - y.rgb[i];
    sum += d * d;
  }
  return sum / n;
}

/** PSNR in dB over RGB with peak 255; Infinity for identical images. */
export function psnr(x: Rgb8Image, y: Rgb8Image): number {
  const e = mse(x, y);
  return e === 0 ? Infinity : 10 * Math.log10((255 * 255) / e);
}

/** Best-of-N: the PSNR of the sample closest to the ground truth (how good the set of samples can be). */
export function bestOfNPsnr(samples: readonly Rgb8Image[], groundTruth: Rgb8Image): number {
  if (samples.length === 0) throw new RangeError('best-of-N PSNR needs at least one sample');
  return Math.max(...samples.map((s) => psnr(s, groundTruth)));
}
