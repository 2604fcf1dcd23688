/**
 * sRGB transfer function (IEC 61966-2-1) and the lookup tables that make integer decoding cheap.
 */

/** sRGB-encoded value (0..1) → linear light. Odd-symmetric so out-of-range floats stay monotonic. */
export function srgbToLinear(v: number): number {
  const x = v < 0 ? -v : v;
  const y = x <= 0.04045 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
  return v < 0 ? -y : y;
}

/** Linear light → sRGB-encoded value (0..1). Odd-symmetric like srgbToLinear. */
export function linearToSrgb(v: number): number {
  const x = v < 0 ? -v : v;
  const y = x <= 0.0031308 ? x * 12.92 : 1.055 * Math.pow(x, 1 / 2.4) - 0.055;
  return v < 0 ? -y : y;
}

let lut8: Float64Array | undefined;
let lut16: Float32Array | undefined;

/** Linear value of each 8-bit code (256 entries, built once). */
export function srgbDecodeLut8(): Float64Array {
  if (lut8 === undefined) {
    lut8 = new Float64Array(256);
    for (let k = 0; k < 256; k++) lut8[k] = srgbToLinear(k / 255);
  }
  return lut8;
}

/** Linear value of each 16-bit code (65536 entries; Float32 keeps it at 256 KiB for the cache). */
export function srgbDecodeLut16(): Float32Array {
  if (lut16 === undefined) {
    lut16 = new Float32Array(65536);
    for (let k = 0; k < 65536; k++) lut16[k] = srgbToLinear(k / 65535);
  }
  return lut16;
}

/** Elementwise sRGB-encoded → linear on a plane; `out` may be `src` (in place). */
export function srgbToLinearPlane(src: Float32Array, out: Float32Array = new Float32Array(src.length)): Float32Array {
  for (let i = 0; i < src.length; i++) out[i] = srgbToLinear(src[i]);
  return out;
}

/** Elementwise linear → sRGB-encoded on a plane; `out` may be `src` (in place). */
export function linearToSrgbPlane(src: Float32Array, out: Float32Array = new Float32Array(src.length)): Float32Array {
  for (let i = 0; i < src.length; i++) out[i] = linearToSrgb(src[i]);
  return out;
}

/** Index resolution of the coarse table in srgbEncodeTables8. */
const ENCODE8_SCALE = 4096;
let encode8: { thresholds: Float64Array; start: Uint8Array; scale: number } | undefined;

/**
 * Tables for exact round-to-nearest 8-bit sRGB encoding without Math.pow:
 * code(v) = number of k with thresholds[k] ≤ v, where thresholds[k] is the linear value of the
 * encoded midpoint (k + ½)/255. start[⌊v·scale⌋] is a lower bound of that count, at most one short,
 * so `c = start[j]; while (c < 255 && v >= thresholds[c]) c++` finishes in one or two steps.
 */
export function srgbEncodeTables8(): { thresholds: Float64Array; start: Uint8Array; scale: number } {
  if (encode8 === undefined) {
    const thresholds = new Float64Array(256);
    for (let k = 0; k < 255; k++) thresholds[k] = srgbToLinear((k + 0.5) / 255);
    thresholds[255] = Infinity;
    const start = new Uint8Array(ENCODE8_SCALE + 1);
    let c = 0;
    for (let j = 0; j <= ENCODE8_SCALE; j++) {
      while (c < 255 && j / ENCODE8_SCALE >= thresholds[c]) c++;
      start[j] = c;
    }
    encode8 = { thresholds, start, scale: ENCODE8_SCALE };
  }
  return encode8;
}
