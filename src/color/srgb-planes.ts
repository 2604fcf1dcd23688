/**
 * Step 1 of the Lab chain: interleaved sRGB pixels ⇄ planar linear RGB.
 */
import type { PlaneTriple } from './lab-planes.js';
import { checkChannels, checkDimensions, checkLength } from './check-dimensions.js';
import { linearToSrgb, srgbDecodeLut16, srgbDecodeLut8, srgbToLinear } from './srgb-transfer.js';

export type RgbSamples = Uint8Array | Uint16Array | Float32Array;

/**
 * Interleaved sRGB (Uint8 0..255, Uint16 0..65535 through a lookup table; Float32 0..1 by formula)
 * → three linear planes. `out` planes, when given, are filled instead of allocated.
 */
export function srgbToLinearPlanes(
  rgb: RgbSamples,
  width: number,
  height: number,
  channels: 3 | 4 = 3,
  out?: PlaneTriple,
): PlaneTriple {
  const n = checkDimensions(width, height, 'srgbToLinearPlanes');
  checkChannels(channels, 'srgbToLinearPlanes');
  checkLength(rgb, n * channels, 'srgbToLinearPlanes rgb');
  const [r, g, b] = out ?? [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  checkLength(r, n, 'srgbToLinearPlanes out');
  if (rgb instanceof Float32Array) {
    for (let i = 0, p = 0; i < n; i++, p += channels) {
      r[i] = srgbToLinear(rgb[p]);
      g[i] = srgbToLinear(rgb[p + 1]);
      b[i] = srgbToLinear(rgb[p + 2]);
    }
  } else {
    const lut = rgb instanceof Uint8Array ? srgbDecodeLut8() : srgbDecodeLut16();
    for (let i = 0, p = 0; i < n; i++, p += channels) {
      r[i] = lut[rgb[p]];
      g[i] = lut[rgb[p + 1]];
      b[i] = lut[rgb[p + 2]];
    }
  }
  return [r, g, b];
}

/** Three linear planes → interleaved sRGB-encoded floats (3 channels, no clamping or gamut mapping). */
export function linearPlanesToSrgb(planes: PlaneTriple, out?: Float32Array): Float32Array {
  const [r, g, b] = planes;
  const n = r.length;
  checkLength(g, n, 'linearPlanesToSrgb g');
  checkLength(b, n, 'linearPlanesToSrgb b');
  const dst = out ?? new Float32Array(n * 3);
  checkLength(dst, n * 3, 'linearPlanesToSrgb out');
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    dst[p] = linearToSrgb(r[i]);
    dst[p + 1] = linearToSrgb(g[i]);
    dst[p + 2] = linearToSrgb(b[i]);
  }
  return dst;
}
