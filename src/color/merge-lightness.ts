/**
 * Fuse step: original lightness + predicted chroma → sRGB whose L is the original's.
 */
import { OptionsError } from '../errors/index.js';
import { checkDimensions, checkLength } from './check-dimensions.js';
import { CIE_DELTA, CIE_KAPPA, D65_WHITE, SRGB_TO_XYZ, XYZ_TO_SRGB } from './constants.js';
import { GAMUT_ACCEPT_TOLERANCE, gamutMapLab } from './gamut-map-lab.js';
import { fastLabFTables, labF } from './lab-companding.js';
import { linearToSrgb, srgbDecodeLut8, srgbEncodeTables8 } from './srgb-transfer.js';

export interface MergeLightnessOptions {
  /** Output sample depth: 8 → Uint8Array (default), 16 → Uint16Array. */
  bitDepth?: 8 | 16;
}

/**
 * Above this |ΔL| after 8-bit rounding, the other rounding direction of each channel is tried and
 * the combination closest in L is kept (it moves chroma by at most one code per channel).
 */
export const LIGHTNESS_NUDGE_THRESHOLD = 0.25;

/**
 * Original L (0..100) + predicted a, b planes → interleaved sRGB (3 channels).
 * Out-of-gamut colours keep L and hue and lose just enough chroma to fit (never per-channel clipping),
 * so L is exact before quantization; 8-bit rounding is then steered to keep |ΔL| small.
 * L outside 0..100 is clamped, non-finite a or b count as 0.
 */
export function mergeLightness(L: Float32Array, a: Float32Array, b: Float32Array, width: number, height: number, options?: { bitDepth?: 8 }): Uint8Array;
export function mergeLightness(L: Float32Array, a: Float32Array, b: Float32Array, width: number, height: number, options: { bitDepth: 16 }): Uint16Array;
export function mergeLightness(L: Float32Array, a: Float32Array, b: Float32Array, width: number, height: number, options?: MergeLightnessOptions): Uint8Array | Uint16Array;
export function mergeLightness(
  L: Float32Array,
  a: Float32Array,
  b: Float32Array,
  width: number,
  height: number,
  options: MergeLightnessOptions = {},
): Uint8Array | Uint16Array {
  const n = checkDimensions(width, height, 'mergeLightness');
  checkLength(L, n, 'mergeLightness L');
  checkLength(a, n, 'mergeLightness a');
  checkLength(b, n, 'mergeLightness b');
  const bitDepth = options.bitDepth ?? 8;
  if (bitDepth !== 8 && bitDepth !== 16) {
    throw new OptionsError(`mergeLightness: expected bitDepth 8 or 16, got ${String(bitDepth)}`, {
      details: { allowed: [8, 16], given: bitDepth },
    });
  }
  return bitDepth === 8 ? merge8(L, a, b, n) : merge16(L, a, b, n);
}

const { X: xn, Y: yn, Z: zn } = D65_WHITE;
const [i00, i01, i02, i10, i11, i12, i20, i21, i22] = XYZ_TO_SRGB;
const INV_116 = 1 / 116;
const INV_KAPPA = 1 / CIE_KAPPA;
const LOW = -GAMUT_ACCEPT_TOLERANCE;
const HIGH = 1 + GAMUT_ACCEPT_TOLERANCE;
const ky = 1 / D65_WHITE.Y;
const y0 = SRGB_TO_XYZ[3] * ky;
const y1 = SRGB_TO_XYZ[4] * ky;
const y2 = SRGB_TO_XYZ[5] * ky;

function clampL(v: number): number {
  return v > 0 ? (v < 100 ? v : 100) : 0; // NaN → 0
}

function finiteOrZero(v: number): number {
  return Number.isFinite(v) ? v : 0;
}

function merge8(L: Float32Array, a: Float32Array, b: Float32Array, n: number): Uint8Array {
  const out = new Uint8Array(n * 3);
  const lin = new Float64Array(3);
  const { thresholds, start, scale } = srgbEncodeTables8();
  const decode = srgbDecodeLut8();
  const f = fastLabFTables();
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    const Lv = clampL(L[i]);
    const av = finiteOrZero(a[i]);
    const bv = finiteOrZero(b[i]);
    // Fast path, inlined for the common in-gamut pixel; gamutMapLab handles the rest.
    // Multiplications by reciprocals: V8 keeps divisions by constants as divisions.
    const fy = (Lv + 16) * INV_116;
    const fx = fy + av * 0.002;
    const fz = fy - bv * 0.005;
    const x = xn * (fx > CIE_DELTA ? fx * fx * fx : (116 * fx - 16) * INV_KAPPA);
    const y = yn * (fy > CIE_DELTA ? fy * fy * fy : (116 * fy - 16) * INV_KAPPA);
    const z = zn * (fz > CIE_DELTA ? fz * fz * fz : (116 * fz - 16) * INV_KAPPA);
    let r = i00 * x + i01 * y + i02 * z;
    let g = i10 * x + i11 * y + i12 * z;
    let bl = i20 * x + i21 * y + i22 * z;
    if (r >= LOW && r <= HIGH && g >= LOW && g <= HIGH && bl >= LOW && bl <= HIGH) {
      r = r < 0 ? 0 : r > 1 ? 1 : r;
      g = g < 0 ? 0 : g > 1 ? 1 : g;
      bl = bl < 0 ? 0 : bl > 1 ? 1 : bl;
    } else {
      gamutMapLab(Lv, av, bv, lin);
      r = lin[0];
      g = lin[1];
      bl = lin[2];
    }
    lin[0] = r;
    lin[1] = g;
    lin[2] = bl;
    let cr = start[(r * scale) | 0];
    while (r >= thresholds[cr]) cr++;
    let cg = start[(g * scale) | 0];
    while (g >= thresholds[cg]) cg++;
    let cb = start[(bl * scale) | 0];
    while (bl >= thresholds[cb]) cb++;
    const u = (y0 * decode[cr] + y1 * decode[cg] + y2 * decode[cb]) * f.scale;
    const j = u | 0;
    const dL = 116 * (f.table[j] + (u - j) * f.slopes[j]) - 16 - Lv;
    if (dL > LIGHTNESS_NUDGE_THRESHOLD || dL < -LIGHTNESS_NUDGE_THRESHOLD) {
      nudge(Lv, lin, cr, cg, cb, decode, out, p);
    } else {
      out[p] = cr;
      out[p + 1] = cg;
      out[p + 2] = cb;
    }
  }
  return out;
}

/**
 * Among the two nearest codes per channel (the rounded one and the other neighbour of the exact
 * value), writes the combination whose L is closest to Lv; fewer changed channels win ties.
 */
function nudge(Lv: number, lin: Float64Array, cr: number, cg: number, cb: number, decode: Float64Array, out: Uint8Array, p: number): void {
  const or = otherNeighbour(lin[0], cr, decode);
  const og = otherNeighbour(lin[1], cg, decode);
  const ob = otherNeighbour(lin[2], cb, decode);
  let best = Infinity;
  let bestChanges = 4;
  for (let mask = 0; mask < 8; mask++) {
    const r = mask & 1 ? or : cr;
    const g = mask & 2 ? og : cg;
    const bl = mask & 4 ? ob : cb;
    const err = Math.abs(116 * labF(y0 * decode[r] + y1 * decode[g] + y2 * decode[bl]) - 16 - Lv);
    const changes = (mask & 1) + ((mask >> 1) & 1) + ((mask >> 2) & 1);
    if (err < best - 1e-9 || (err <= best + 1e-9 && changes < bestChanges)) {
      best = err;
      bestChanges = changes;
      out[p] = r;
      out[p + 1] = g;
      out[p + 2] = bl;
    }
  }
}

function otherNeighbour(v: number, code: number, decode: Float64Array): number {
  if (v < decode[code]) return code > 0 ? code - 1 : code;
  return code < 255 ? code + 1 : code;
}

function merge16(L: Float32Array, a: Float32Array, b: Float32Array, n: number): Uint16Array {
  const out = new Uint16Array(n * 3);
  const lin = new Float64Array(3);
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    gamutMapLab(clampL(L[i]), finiteOrZero(a[i]), finiteOrZero(b[i]), lin);
    // 65536 levels keep |ΔL| below ~0.01, so plain rounding is enough here.
    out[p] = Math.round(linearToSrgb(lin[0]) * 65535);
    out[p + 1] = Math.round(linearToSrgb(lin[1]) * 65535);
    out[p + 2] = Math.round(linearToSrgb(lin[2]) * 65535);
  }
  return out;
}
