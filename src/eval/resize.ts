import { OptionsError } from '../errors/index.js';
import { checkRgb } from './check.js';
import type { Rgb8Image } from './types.js';

/**
 * Geometry for evaluation inputs, in pure TS on interleaved 8-bit RGB so that eval's crops and
 * resizes are exact and identical on every platform (they define the ground truth being scored).
 * Resampling is separable; per axis, shrinking averages the covered source area (no aliasing) and
 * enlarging interpolates linearly between pixel centres (half-pixel convention).
 */

/** The largest centred square; odd margins leave the extra pixel on the right/bottom. */
export function centerCropSquare(image: Rgb8Image): Rgb8Image {
  checkRgb(image);
  const side = Math.min(image.width, image.height);
  const x0 = Math.floor((image.width - side) / 2);
  const y0 = Math.floor((image.height - side) / 2);
  const rgb = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++) {
    const from = ((y0 + y) * image.width + x0) * 3;
    rgb.set(image.rgb.subarray(from, from + side * 3), y * side * 3);
  }
  return { width: side, height: side, rgb };
}

export function resizeRgb(image: Rgb8Image, width: number, height: number): Rgb8Image {
  checkRgb(image);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new OptionsError(`invalid target size ${width}×${height}`);
  }
  if (width === image.width && height === image.height) return { width, height, rgb: image.rgb.slice() };
  const wx = axisWeights(image.width, width);
  const wy = axisWeights(image.height, height);
  // Horizontal pass into floats (no rounding between passes).
  const rows = new Float32Array(width * image.height * 3);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < width; x++) {
      const { index, weight } = wx[x];
      let r = 0, g = 0, b = 0;
      for (let t = 0; t < index.length; t++) {
        const p = (y * image.width + index[t]) * 3;
        r += weight[t] * image.rgb[p];
        g += weight[t] * image.rgb[p + 1];
        b += weight[t] * image.rgb[p + 2];
      }
      const o = (y * width + x) * 3;
      rows[o] = r;
      rows[o + 1] = g;
      rows[o + 2] = b;
    }
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const { index, weight } = wy[y];
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let v = 0;
        for (let t = 0; t < index.length; t++) v += weight[t] * rows[(index[t] * width + x) * 3 + c];
        rgb[(y * width + x) * 3 + c] = Math.min(255, Math.max(0, Math.round(v)));
      }
    }
  }
  return { width, height, rgb };
}

/** Centre-crop to a square, then resize to size×size: how `eval --run` makes its ground truths. */
export function squareAt(image: Rgb8Image, size: number): Rgb8Image {
  return resizeRgb(centerCropSquare(image), size, size);
}

interface Taps {
  index: Int32Array;
  weight: Float64Array;
}

export function axisWeights(inSize: number, outSize: number): Taps[] {
  const scale = inSize / outSize;
  const taps: Taps[] = [];
  for (let o = 0; o < outSize; o++) {
    if (scale >= 1) {
      // Area: output pixel o covers source [o·scale, (o+1)·scale).
      const start = o * scale;
      const end = start + scale;
      const index: number[] = [];
      const weight: number[] = [];
      for (let i = Math.floor(start); i < Math.min(inSize, Math.ceil(end)); i++) {
        const overlap = Math.min(end, i + 1) - Math.max(start, i);
        if (overlap > 1e-12) {
          index.push(i);
          weight.push(overlap / scale);
        }
      }
      taps.push({ index: Int32Array.from(index), weight: Float64Array.from(weight) });
    } else {
      // Linear between centres; beyond the outer centres the edge pixel is repeated.
      const c = Math.min(inSize - 1, Math.max(0, (o + 0.5) * scale - 0.5));
      const i0 = Math.floor(c);
      const i1 = Math.min(inSize - 1, i0 + 1);
      const t = c - i0;
      taps.push({ index: Int32Array.of(i0, i1), weight: Float64Array.of(1 - t, t) });
    }
  }
  return taps;
}
