/**
 * sRGB pixels → CIE L only: a third of rgbToLab's work, for gray input and sepia scans.
 */
import { D65_WHITE, SRGB_TO_XYZ } from './constants.js';
import { checkChannels, checkDimensions, checkLength } from './check-dimensions.js';
import { fastLabFTables, labF } from './lab-companding.js';
import type { RgbSamples } from './srgb-planes.js';
import { srgbDecodeLut16, srgbDecodeLut8, srgbToLinear } from './srgb-transfer.js';

/** Same input contract as rgbToLab; returns the L plane (0..100), filling `out` when given. */
export function rgbToLightness(rgb: RgbSamples, width: number, height: number, channels: 3 | 4 = 3, out?: Float32Array): Float32Array {
  const n = checkDimensions(width, height, 'rgbToLightness');
  checkChannels(channels, 'rgbToLightness');
  checkLength(rgb, n * channels, 'rgbToLightness rgb');
  if (out !== undefined) checkLength(out, n, 'rgbToLightness out');
  const L = out ?? new Float32Array(n);
  const ky = 1 / D65_WHITE.Y;
  const y0 = SRGB_TO_XYZ[3] * ky;
  const y1 = SRGB_TO_XYZ[4] * ky;
  const y2 = SRGB_TO_XYZ[5] * ky;
  if (rgb instanceof Float32Array) {
    for (let i = 0, p = 0; i < n; i++, p += channels) {
      const y = y0 * srgbToLinear(rgb[p]) + y1 * srgbToLinear(rgb[p + 1]) + y2 * srgbToLinear(rgb[p + 2]);
      L[i] = 116 * labF(y) - 16;
    }
    return L;
  }
  const lut = rgb instanceof Uint8Array ? srgbDecodeLut8() : srgbDecodeLut16();
  const { table, slopes, scale } = fastLabFTables();
  for (let i = 0, p = 0; i < n; i++, p += channels) {
    const u = (y0 * lut[rgb[p]] + y1 * lut[rgb[p + 1]] + y2 * lut[rgb[p + 2]]) * scale;
    const j = u | 0;
    L[i] = 116 * (table[j] + (u - j) * slopes[j]) - 16;
  }
  return L;
}
