/**
 * The CIE Lab companding function f(t) and its inverse, plus a table-driven f for hot loops.
 */
import { CIE_DELTA, CIE_EPSILON, CIE_KAPPA } from './constants.js';

/** f(t) = ∛t above ε, the linear segment (κt + 16)/116 below. */
export function labF(t: number): number {
  return t > CIE_EPSILON ? Math.cbrt(t) : (CIE_KAPPA * t + 16) / 116;
}

/** Inverse of labF. */
export function labFInverse(f: number): number {
  return f > CIE_DELTA ? f * f * f : (116 * f - 16) / CIE_KAPPA;
}

/** Table domain: t in [0, FAST_F_MAX); XYZ/white of in-range sRGB is ≤ 1, the margin covers float noise. */
export const FAST_F_MAX = 1.25;
/** Samples per unit of t. 16384 keeps the interpolation error of f below 3e-7 (ΔL < 4e-5). */
const FAST_F_SCALE = 16384;

let table: Float64Array | undefined;
let slopes: Float64Array | undefined;

/**
 * Tables for piecewise-linear f: f(t) ≈ table[j] + (t·scale − j)·slopes[j], j = ⌊t·scale⌋.
 * The linear segment below ε is reproduced exactly, so hot loops need no branch on ε.
 */
export function fastLabFTables(): { table: Float64Array; slopes: Float64Array; scale: number; max: number } {
  if (table === undefined || slopes === undefined) {
    const n = Math.ceil(FAST_F_MAX * FAST_F_SCALE) + 2;
    table = new Float64Array(n);
    slopes = new Float64Array(n);
    for (let j = 0; j < n; j++) table[j] = labF(j / FAST_F_SCALE);
    for (let j = 0; j < n - 1; j++) slopes[j] = table[j + 1] - table[j];
  }
  return { table, slopes, scale: FAST_F_SCALE, max: FAST_F_MAX };
}
