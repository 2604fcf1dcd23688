import type { LabPlanes, Rgb8Image } from '../../src/eval/types.js';

/** Image of one color everywhere. */
export function solid(width: number, height: number, r: number, g: number, b: number): Rgb8Image {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.set([r, g, b], i * 3);
  return { width, height, rgb };
}

/** Image from a per-pixel function. */
export function fromFn(width: number, height: number, f: (x: number, y: number) => [number, number, number]): Rgb8Image {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgb.set(f(x, y), (y * width + x) * 3);
  return { width, height, rgb };
}

/** Small deterministic PRNG (mulberry32) so "random" test images are the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function noise(width: number, height: number, seed: number): Rgb8Image {
  const r = rng(seed);
  return fromFn(width, height, () => [Math.floor(r() * 256), Math.floor(r() * 256), Math.floor(r() * 256)]);
}

export function lab(width: number, height: number, L: number[], a: number[], b: number[]): LabPlanes {
  return { width, height, L: Float32Array.from(L), a: Float32Array.from(a), b: Float32Array.from(b) };
}
