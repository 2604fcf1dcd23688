/**
 * CIE and sRGB constants shared by every conversion in this folder.
 *
 * The sRGB→XYZ matrix is IEC 61966-2-1's (as tabulated by Lindbloom, D65, 2° observer).
 * The reference white is taken as the matrix's row sums rather than a separately rounded
 * D65 triple, so that every neutral sRGB colour (r = g = b) maps to a = b = 0 exactly
 * and sRGB white maps to L = 100.
 */

/** CIE ε = (6/29)³: below it L is linear in Y. */
export const CIE_EPSILON = 216 / 24389;
/** CIE κ = (29/3)³. */
export const CIE_KAPPA = 24389 / 27;
/** f(t) at t = ε, i.e. 6/29: the knee of the Lab companding function. */
export const CIE_DELTA = 6 / 29;

/** Row-major 3×3 matrix from linear sRGB to XYZ (Y of white = 1). */
export const SRGB_TO_XYZ: readonly number[] = Object.freeze([
  0.4124564, 0.3575761, 0.1804375,
  0.2126729, 0.7151522, 0.072175,
  0.0193339, 0.119192, 0.9503041,
]);

/** D65 2° reference white, Y ≈ 1 (see the note above on why it is the matrix's row sums). */
export const D65_WHITE: Readonly<{ X: number; Y: number; Z: number }> = Object.freeze({
  X: SRGB_TO_XYZ[0] + SRGB_TO_XYZ[1] + SRGB_TO_XYZ[2],
  Y: SRGB_TO_XYZ[3] + SRGB_TO_XYZ[4] + SRGB_TO_XYZ[5],
  Z: SRGB_TO_XYZ[6] + SRGB_TO_XYZ[7] + SRGB_TO_XYZ[8],
});

/** Row-major inverse of SRGB_TO_XYZ, computed in double precision (published rounded inverses break round trips). */
export const XYZ_TO_SRGB: readonly number[] = Object.freeze(invert3x3(SRGB_TO_XYZ));

function invert3x3(m: readonly number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    A / det, -(b * i - c * h) / det, (b * f - c * e) / det,
    B / det, (a * i - c * g) / det, -(a * f - c * d) / det,
    C / det, -(a * h - b * g) / det, (a * e - b * d) / det,
  ];
}
