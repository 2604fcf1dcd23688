/**
 * Seeded randomness for the denoising loop: xoshiro128** (32-bit words, `Math.imul`) for the uniform
 * stream and a 256-layer Ziggurat for standard normals. Only exact integer operations and IEEE-754
 * basic arithmetic touch the output (see random-math.ts), so the same seed gives bit-identical noise on
 * every run and machine. One generator per sample: sample k of a request with seed s uses
 * `sampleSeed(s, k)`, so it can be reproduced alone as a one-sample run with seed s + k.
 */
import { webcrypto } from 'node:crypto';
import { OptionsError } from '../errors/index.js';
import { detExp, detLog } from './random-math.js';

export interface RandomGenerator {
  /** The seed this generator was created with (its state has moved on since). */
  readonly seed: number;
  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number;
  /** Uniform in [0, 1) with 53 random bits. */
  random(): number;
  /** One standard normal draw. */
  randn(): number;
  /** Fills `out[offset .. offset + length)` with standard normals (same stream as repeated `randn()`). */
  fillNormal(out: Float32Array, offset?: number, length?: number): Float32Array;
  /** An independent copy at the same position of the stream. */
  clone(): RandomGenerator;
  /** The stream position as four int32 words (JSON-safe); `createGenerator(seed, state)` continues from it. */
  state(): number[];
}

const UINT32_RANGE = 4294967296;

// ---- Ziggurat tables (Marsaglia & Tsang 2000, 256 layers of equal area V) -------------------------
const LAYERS = 256;
const R = 3.6541528853610088; // start of the tail
const V = 0.00492867323399; // area of each layer
const U23 = 1 / 8388608; // 2^-23
const U32 = 1 / UINT32_RANGE;

/** x[i]: right edge of layer i (x[0] = virtual width of the base strip, x[1] = R, x[LAYERS] = 0). */
const ZX = new Float64Array(LAYERS + 1);
/** f(x[i]) = exp(-x[i]^2 / 2), with f(x[LAYERS]) = 1. */
const ZF = new Float64Array(LAYERS + 1);
/** Core test as integers: the 23-bit magnitude m of layer i is in the core when m < KN[i]. */
const KN = new Int32Array(LAYERS);
/** Signed widths: WS[sign << 8 | i] = (sign ? -1 : 1) * x[i] / 2^23, so a core draw is one multiply. */
const WS = new Float64Array(2 * LAYERS);
{
  const gauss = (x: number): number => detExp(-0.5 * x * x);
  ZX[0] = V / gauss(R);
  ZX[1] = R;
  for (let i = 1; i < LAYERS - 1; i++) ZX[i + 1] = Math.sqrt(-2 * detLog(V / ZX[i] + gauss(ZX[i])));
  ZX[LAYERS] = 0;
  for (let i = 0; i <= LAYERS; i++) ZF[i] = gauss(ZX[i]);
  for (let i = 0; i < LAYERS; i++) {
    KN[i] = Math.floor((ZX[i + 1] / ZX[i]) * 8388608);
    WS[i] = ZX[i] * U23;
    WS[i + LAYERS] = -ZX[i] * U23;
  }
}

// ---- xoshiro128** on a 4-word state ---------------------------------------------------------------
/** Next output word as an int32 (callers take `>>> 0` when they need it unsigned). */
function nextWord(s: Int32Array): number {
  const s0 = s[0], s1 = s[1], s2 = s[2] ^ s0, s3 = s[3] ^ s1;
  const m = Math.imul(s1, 5);
  const result = Math.imul((m << 7) | (m >>> 25), 9);
  s[1] = s1 ^ s2;
  s[0] = s0 ^ s3;
  s[2] = s2 ^ (s1 << 9);
  s[3] = (s3 << 11) | (s3 >>> 21);
  return result;
}

/**
 * Completes a normal draw whose word did not land in a layer's core: base-strip tail or wedge test,
 * restarting from a fresh word when rejected. Rare (about 1 draw in 100), so it can be plain.
 */
function normalSlow(s: Int32Array, word: number): number {
  for (;;) {
    const layer = word & 0xff;
    const mag = word >>> 9;
    const sign = 1 - ((word >>> 7) & 2);
    if (mag < KN[layer]) return mag * WS[word & 0x1ff];
    if (layer === 0) {
      // Tail beyond R (Marsaglia 1964): u in (0, 1] so log never sees 0.
      let a: number, b: number;
      do {
        a = -detLog(((nextWord(s) >>> 0) + 1) * U32) / R;
        b = -detLog(((nextWord(s) >>> 0) + 1) * U32);
      } while (b + b < a * a);
      return sign * (R + a);
    }
    const z = mag * WS[layer];
    const y = ZF[layer] + (nextWord(s) >>> 0) * U32 * (ZF[layer + 1] - ZF[layer]);
    if (y < detExp(-0.5 * z * z)) return sign * z;
    word = nextWord(s);
  }
}

function normal(s: Int32Array): number {
  const word = nextWord(s);
  const mag = word >>> 9;
  if (mag < KN[word & 0xff]) return mag * WS[word & 0x1ff];
  return normalSlow(s, word);
}

/** 32-bit finalizer (lowbias32 constants): spreads a seed over all state bits. */
function mix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return z ^ (z >>> 15);
}

class Xoshiro128Generator implements RandomGenerator {
  readonly seed: number;
  /** Int32Array keeps the state unboxed between calls. */
  private readonly s: Int32Array;

  constructor(seed: number, state?: Int32Array) {
    this.seed = seed;
    if (state) {
      this.s = state;
      return;
    }
    this.s = new Int32Array(4);
    for (let k = 0; k < 4; k++) this.s[k] = mix32((seed + Math.imul(k + 1, 0x9e3779b9)) | 0);
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1; // all-zero is a fixed point
  }

  nextUint32(): number {
    return nextWord(this.s) >>> 0;
  }

  random(): number {
    const a = nextWord(this.s) >>> 5;
    const b = nextWord(this.s) >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  randn(): number {
    return normal(this.s);
  }

  fillNormal(out: Float32Array, offset = 0, length = out.length - offset): Float32Array {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > out.length) {
      throw new OptionsError(
        `fillNormal: range [${offset}, ${offset + length}) is outside the array of length ${out.length}`,
      );
    }
    const st = this.s;
    // The state lives in locals for the hot loop (xoshiro128** inlined); the rare slow path gets it back.
    let s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];
    const end = offset + length;
    for (let i = offset; i < end; i++) {
      const m = Math.imul(s1, 5);
      const word = Math.imul((m << 7) | (m >>> 25), 9); // int32 view of the output word
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      // Core of a layer (about 99% of draws): an integer compare and one multiply, no branch on the sign.
      const mag = word >>> 9;
      if (mag < KN[word & 0xff]) {
        out[i] = mag * WS[word & 0x1ff];
      } else {
        st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
        out[i] = normalSlow(st, word);
        s0 = st[0]; s1 = st[1]; s2 = st[2]; s3 = st[3];
      }
    }
    st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
    return out;
  }

  clone(): RandomGenerator {
    return new Xoshiro128Generator(this.seed, Int32Array.from(this.s));
  }

  state(): number[] {
    return Array.from(this.s);
  }
}

function assertSeed(seed: number, what = 'seed'): void {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed >= UINT32_RANGE) {
    throw new OptionsError(`${what} must be an integer in 0..4294967295, got ${String(seed)}`, {
      details: { [what]: seed },
    });
  }
}

/**
 * A generator whose stream depends only on `seed` (integer 0..2^32-1); with `state` (from `state()`),
 * the same stream continued from that position (a resumed run's noise).
 */
export function createGenerator(seed: number, state?: readonly number[]): RandomGenerator {
  assertSeed(seed);
  if (state === undefined) return new Xoshiro128Generator(seed);
  if (state.length !== 4 || !state.every((w) => Number.isInteger(w) && w >= -0x8000_0000 && w <= 0x7fff_ffff) || state.every((w) => w === 0)) {
    throw new OptionsError('a generator state is four int32 words, not all zero', { details: { state: [...state] } });
  }
  return new Xoshiro128Generator(seed, Int32Array.from(state));
}

/** Seed of sample `index` of a request seeded with `seed`: (seed + index) mod 2^32. */
export function sampleSeed(seed: number, index: number): number {
  assertSeed(seed);
  if (!Number.isInteger(index) || index < 0) {
    throw new OptionsError(`sample index must be a non-negative integer, got ${String(index)}`);
  }
  return (seed + index) % UINT32_RANGE;
}

/** A fresh seed from the OS CSPRNG, for requests that did not give one (report it so they can be rerun). */
export function randomSeed(): number {
  return webcrypto.getRandomValues(new Uint32Array(1))[0];
}
