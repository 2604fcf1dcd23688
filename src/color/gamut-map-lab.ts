/**
 * Gamut mapping at constant L and hue: shrink chroma until the colour fits linear sRGB.
 * Per-pixel scalar function (writes into a caller-owned scratch array, so hot loops allocate nothing).
 */
import { D65_WHITE, XYZ_TO_SRGB } from './constants.js';
import { labFInverse } from './lab-companding.js';

/**
 * An unmapped colour this far outside [0, 1] in linear RGB counts as inside (the float noise of Lab
 * computed from in-gamut pixels) and is clamped: ΔL ≤ 0.01, a tenth of a code at worst.
 */
export const GAMUT_ACCEPT_TOLERANCE = 1e-5;
/** Tolerance of the chroma search itself, so mapped colours land on the surface, not beyond it. */
const SEARCH_TOLERANCE = 1e-9;
/** Stop when the chroma scale is known to 2^-16 of itself: the mapped chroma within 0.003 for C ≤ 200. */
const S_TOLERANCE = 2 ** -16;
/** Bisection fallbacks bound the steps to about 3 × 16; the cap only guards against NaN input. */
const MAX_STEPS = 64;

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
  if (gHi > GAMUT_ACCEPT_TOLERANCE) {
    // Illinois (regula falsi that halves the stale end's value) on the violation, keeping
    // [lo inside, hi outside] bracketed; every third step falls back to bisection if the bracket
    // has not halved since, so it is never much slower than bisection. ~8 evaluations vs ~18.
    lo = 0;
    let hi = 1;
    let gLo = violation(fy, y, ka, kb, 0, out);
    let side = 0;
    let width = 1;
    for (let k = 0; k < MAX_STEPS && hi - lo > S_TOLERANCE * hi; k++) {
      let s = (lo * gHi - hi * gLo) / (gHi - gLo);
      if (k % 3 === 2) {
        if (hi - lo > 0.5 * width) s = 0.5 * (lo + hi);
        width = hi - lo;
      }
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
  // Only float noise (≤ GAMUT_ACCEPT_TOLERANCE) is removed here; this is not channel clipping.
  for (let c = 0; c < 3; c++) out[c] = out[c] < 0 ? 0 : out[c] > 1 ? 1 : out[c];
  return lo;
}

/**
 * Writes linear RGB of (fy, s·a, s·b) into out and returns how far the colour is outside [0, 1]
 * (max over channels of −c and c − 1, minus SEARCH_TOLERANCE): ≤ 0 means inside.
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
  return v - SEARCH_TOLERANCE;
}
