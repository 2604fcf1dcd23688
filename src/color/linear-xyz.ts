/**
 * Step 2 of the Lab chain: linear sRGB planes ⇄ CIE XYZ planes (D65, Y of white = 1).
 * Both run in place when `out` is the input (each pixel is read fully before it is written).
 */
import { SRGB_TO_XYZ, XYZ_TO_SRGB } from './constants.js';
import type { PlaneTriple } from './lab-planes.js';
import { checkLength } from './check-dimensions.js';

export function linearToXyz(rgb: PlaneTriple, out?: PlaneTriple): PlaneTriple {
  return multiply(SRGB_TO_XYZ, rgb, out, 'linearToXyz');
}

export function xyzToLinear(xyz: PlaneTriple, out?: PlaneTriple): PlaneTriple {
  return multiply(XYZ_TO_SRGB, xyz, out, 'xyzToLinear');
}

function multiply(m: readonly number[], src: PlaneTriple, out: PlaneTriple | undefined, what: string): PlaneTriple {
  const [s0, s1, s2] = src;
  const n = s0.length;
  checkLength(s1, n, what);
  checkLength(s2, n, what);
  const dst = out ?? ([new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const);
  const [d0, d1, d2] = dst;
  checkLength(d0, n, what);
  checkLength(d1, n, what);
  checkLength(d2, n, what);
  const [m00, m01, m02, m10, m11, m12, m20, m21, m22] = m;
  for (let i = 0; i < n; i++) {
    const x = s0[i];
    const y = s1[i];
    const z = s2[i];
    d0[i] = m00 * x + m01 * y + m02 * z;
    d1[i] = m10 * x + m11 * y + m12 * z;
    d2[i] = m20 * x + m21 * y + m22 * z;
  }
  return dst;
}
