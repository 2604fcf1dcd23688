import { OptionsError } from '../errors/index.js';
import type { Rgb8Image } from './types.js';

/** Throws unless both images are interleaved 3-channel RGB of one size; returns the pixel count. */
export function checkSameRgb(x: Rgb8Image, y: Rgb8Image): number {
  checkRgb(x);
  checkRgb(y);
  if (x.width !== y.width || x.height !== y.height) {
    throw new OptionsError(`images differ in size: ${x.width}×${x.height} vs ${y.width}×${y.height}`);
  }
  return x.width * x.height;
}

export function checkRgb(x: Rgb8Image): number {
  const n = x.width * x.height;
  if (!Number.isInteger(x.width) || !Number.isInteger(x.height) || n <= 0) {
    throw new OptionsError(`invalid image size ${x.width}×${x.height}`);
  }
  if (x.rgb.length !== n * 3) {
    throw new OptionsError(`an RGB image of ${x.width}×${x.height} needs ${n * 3} values, got ${x.rgb.length}`);
  }
  return n;
}
