/**
 * Lab planes → interleaved sRGB-encoded floats, with no gamut mapping: out-of-gamut colours give
 * values outside 0..1. For round-trip tests and analysis; images go through mergeLightness.
 */
import { D65_WHITE, XYZ_TO_SRGB } from './constants.js';
import { checkDimensions, checkLength } from './check-dimensions.js';
import type { LabPlanes } from './lab-planes.js';
import { labFInverse } from './lab-companding.js';
import { linearToSrgb } from './srgb-transfer.js';

export function labToRgbFloat(lab: LabPlanes, out?: Float32Array): Float32Array {
  const n = checkDimensions(lab.width, lab.height, 'labToRgbFloat');
  checkLength(lab.L, n, 'labToRgbFloat L');
  checkLength(lab.a, n, 'labToRgbFloat a');
  checkLength(lab.b, n, 'labToRgbFloat b');
  const dst = out ?? new Float32Array(n * 3);
  checkLength(dst, n * 3, 'labToRgbFloat out');
  const { L, a, b } = lab;
  const [m00, m01, m02, m10, m11, m12, m20, m21, m22] = XYZ_TO_SRGB;
  const { X: xn, Y: yn, Z: zn } = D65_WHITE;
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    const fy = (L[i] + 16) / 116;
    const x = xn * labFInverse(fy + a[i] / 500);
    const y = yn * labFInverse(fy);
    const z = zn * labFInverse(fy - b[i] / 200);
    dst[p] = linearToSrgb(m00 * x + m01 * y + m02 * z);
    dst[p + 1] = linearToSrgb(m10 * x + m11 * y + m12 * z);
    dst[p + 2] = linearToSrgb(m20 * x + m21 * y + m22 * z);
  }
  return dst;
}
