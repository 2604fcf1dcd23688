/**
 * exp and log built only from IEEE-754 +, -, *, / (each correctly rounded), so the Ziggurat tables and
 * tail draws of the seeded generator are bit-identical on every machine and engine version. `Math.exp`
 * and `Math.log` are "implementation-approximated" in the ECMAScript spec and may change between releases.
 */

const LN2_HI = 6.93147180369123816490e-1; // high bits of ln 2 (trailing zeros make k * LN2_HI exact)
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700;

const bits = new DataView(new ArrayBuffer(8));

/** POW2[k + 1022] = 2^k for k in [-1022, 1023], by exact doubling (a lookup keeps detExp cheap). */
const POW2 = new Float64Array(2046);
POW2[1022] = 1;
for (let k = 1; k <= 1023; k++) POW2[1022 + k] = POW2[1021 + k] * 2;
for (let k = 1; k <= 1022; k++) POW2[1022 - k] = POW2[1023 - k] * 0.5;

/** Deterministic e^x; relative error below 1e-15 for x in [-700, 700]. */
export function detExp(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x > 709) return Infinity;
  if (x < -708) return 0; // subnormal range is never needed here
  const k = Math.round(x * INV_LN2); // Math.round is exact, so the reduction is deterministic
  const r = x - k * LN2_HI - k * LN2_LO; // |r| <= 0.347
  // Taylor series to r^14 / 14!: the remainder is below 1e-17 for |r| <= 0.347 (Horner form).
  let p = 1 / 87178291200;
  p = p * r + 1 / 6227020800;
  p = p * r + 1 / 479001600;
  p = p * r + 1 / 39916800;
  p = p * r + 1 / 3628800;
  p = p * r + 1 / 362880;
  p = p * r + 1 / 40320;
  p = p * r + 1 / 5040;
  p = p * r + 1 / 720;
  p = p * r + 1 / 120;
  p = p * r + 1 / 24;
  p = p * r + 1 / 6;
  p = p * r + 0.5;
  p = p * r + 1;
  p = p * r + 1;
  return p * POW2[k + 1022];
}

/** Deterministic natural log for finite x > 0 (normal numbers); relative error below 1e-15. */
export function detLog(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return x;
  // x = m * 2^e with m in [1, 2), read from the bits.
  bits.setFloat64(0, x);
  const hi = bits.getUint32(0);
  let e = ((hi >>> 20) & 0x7ff) - 1023;
  bits.setUint32(0, (hi & 0x800fffff) | (1023 << 20));
  let m = bits.getFloat64(0);
  // Move m into [sqrt(1/2), sqrt(2)) so s below stays small.
  if (m > Math.SQRT2) {
    m *= 0.5;
    e += 1;
  }
  // log m = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716: odd series to s^29 (remainder < 1e-23).
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let q = 1 / 29;
  for (let n = 27; n >= 1; n -= 2) q = q * s2 + 1 / n;
  return 2 * s * q + e * LN2_LO + e * LN2_HI;
}
