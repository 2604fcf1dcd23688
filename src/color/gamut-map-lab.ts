/**
 * Gamut mapping at constant L and hue: shrink chroma until the colour fits linear sRGB.
 * Per-pixel scalar function (writes into a caller-owned scratch array, so hot loops allocate nothing).
 */
import { D65_WHITE, XYZ_TO_SRGB } from './constants.js';
import { labFInverse } from './lab-companding.js';

/** Linear channel values this far outside [0, 1] still count as inside (float noise), then are clamped. */
const TOLERANCE = 1e-7;
/** Stop when the chroma scale is known to 2^-20 (far below one 16-bit code) ... */
const S_TOLERANCE = 2 ** -20;
/** ... or after this many steps (bisection alone would reach 2^-40). */
const MAX_STEPS = 40;

const [m00, m01, m02, m10, m11, m12, m20, m21, m22] = XYZ_TO_SRGB;
const { X: xn, Y: yn, Z: zn } = D65_WHITE;

/**
 * Finds the largest s in [0, 1] such that (L, s·a, s·b) is inside the sRGB gamut, writes that colour's
 * linear RGB (each in [0, 1]) into out[0..2] and returns s. L must be in [0, 100], where s = 0 (the
 * neutral of that lightness) is always inside because the white point is the matrix's row sums.
 */
export function gamutMapLab(L: number, a: number, b: number, out: Float64Array): number {
  const fy = (L + 16) / 116;
  const y = yn * labFInverse(fy);
  const ka = a / 500;
  const kb = b / 200;
  let lo = 1;
  let gHi = violation(fy, y, ka, kb, 1, out);
  if (gHi > 0) {
    // Illinois (regula falsi) on the violation, keeping [lo inside, hi outside] bracketed:
    // converges in a handful of steps where bisection needs ~18.
    lo = 0;
    let hi = 1;
    let gLo = violation(fy, y, ka, kb, 0, out);
    let side = 0;
    for (let k = 0; k < MAX_STEPS && hi - lo > S_TOLERANCE; k++) {
      let s = (lo * gHi - hi * gLo) / (gHi - gLo);
      if (!(s > lo && s < hi)) s = 0.5 * (lo + hi);
      const g = violation(fy, y, ka, kb, s, out);
      if (g > 0) {
        hi = s;
        gHi = g;
        if (side === 1) gLo *= 0.5;
        side = 1;
      } else {
        lo = s;
        gLo = g;
        if (side === -1) gHi *= 0.5;
        side = -1;
      }
    }
    violation(fy, y, ka, kb, lo, out);
  }
  // Only float noise (≤ TOLERANCE) is removed here; this is not channel clipping.
  for (let c = 0; c < 3; c++) out[c] = out[c] < 0 ? 0 : out[c] > 1 ? 1 : out[c];
  return lo;
}

/**
 * Writes linear RGB of (fy, s·a, s·b) into out and returns how far the colour is outside [0, 1]
 * (max over channels of −c and c − 1, minus TOLERANCE): ≤ 0 means inside.
 */
function violation(fy: number, y: number, ka: number, kb: number, s: number, out: Float64Array): number {
  const x = xn * labFInverse(fy + s * ka);
  const z = zn * labFInverse(fy - s * kb);
  const r = m00 * x + m01 * y + m02 * z;
  const g = m10 * x + m11 * y + m12 * z;
  const bl = m20 * x + m21 * y + m22 * z;
  out[0] = r;
  out[1] = g;
  out[2] = bl;
  let v = -r;
  if (r - 1 > v) v = r - 1;
  if (-g > v) v = -g;
  if (g - 1 > v) v = g - 1;
  if (-bl > v) v = -bl;
  if (bl - 1 > v) v = bl - 1;
  return v - TOLERANCE;
}
