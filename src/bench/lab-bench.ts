/**
 * Lab conversion throughput on a 12 MP image beside libvips' own sRGB → Lab (via sharp), measured on
 * the same input in the same process, plus mergeLightness throughput and its lightness error.
 */
import { mergeLightness, rgbToLab, rgbToLightness } from '../color/index.js';
import { sharp } from '../image/sharp-instance.js';

const WIDTH = 4000;
const HEIGHT = 3000;
const RUNS = 5;

export async function runLabBench(): Promise<Record<string, unknown>> {
  const n = WIDTH * HEIGHT;
  const megapixels = n / 1e6;
  const rgb = syntheticPhoto(WIDTH, HEIGHT, 20240611);
  const planesBytes = n * 3 * Float32Array.BYTES_PER_ELEMENT;

  rgbToLab(rgb.subarray(0, 3 * 64 * 64), 64, 64); // build lookup tables outside the timings
  const before = process.memoryUsage().arrayBuffers;
  const lab = rgbToLab(rgb, WIDTH, HEIGHT);
  // Typed arrays live outside the JS heap: the growth is what one conversion allocated.
  const allocated = process.memoryUsage().arrayBuffers - before;
  const peakBytesOverPlanes = (allocated + rgb.byteLength) / planesBytes;

  // Interleaved rounds, so a busy machine slows every contender alike.
  const [ours, oursReused, viaSharp, lightnessOnly] = (
    await timeInterleaved([
      () => void rgbToLab(rgb, WIDTH, HEIGHT),
      () => void rgbToLab(rgb, WIDTH, HEIGHT, 3, lab),
      () =>
        sharp(rgb, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
          .toColourspace('lab')
          .raw({ depth: 'float' })
          .toBuffer()
          .then(() => undefined),
      () => void rgbToLightness(rgb, WIDTH, HEIGHT),
    ])
  ).map(median);

  const [merge] = (await timeInterleaved([() => void mergeLightness(lab.L, lab.a, lab.b, WIDTH, HEIGHT)], 3)).map(median);
  // Worst case for the gamut search: random chroma, most of it out of gamut.
  const random = randomChroma(n, 7);
  const startRandom = performance.now();
  const merged = mergeLightness(lab.L, random.a, random.b, WIDTH, HEIGHT);
  const mergeRandom = (performance.now() - startRandom) / 1000;
  const back = rgbToLightness(merged, WIDTH, HEIGHT);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(back[i] - lab.L[i]);
    sum += d;
    if (d > max) max = d;
  }

  const result = {
    megapixels,
    sharpThreads: sharp.concurrency(),
    ourMPs: megapixels / ours,
    sharpMPs: megapixels / viaSharp,
    ratio: viaSharp / ours,
    ourReusedPlanesMPs: megapixels / oursReused,
    ratioReusedPlanes: viaSharp / oursReused,
    lightnessOnlyMPs: megapixels / lightnessOnly,
    peakBytesOverPlanes,
    mergeMPs: megapixels / merge,
    mergeRandomChromaMPs: megapixels / mergeRandom,
    mergeLightnessErrorMean: sum / n,
    mergeLightnessErrorMax: max,
  };
  console.log(`Lab conversion, ${WIDTH}×${HEIGHT} 8-bit sRGB (median of ${RUNS})`);
  console.table({
    'rgbToLab (ours, 1 thread, new planes)': { 'MP/s': round(result.ourMPs) },
    'rgbToLab (ours, into reused planes)': { 'MP/s': round(result.ourReusedPlanesMPs) },
    [`sharp toColourspace('lab') (${result.sharpThreads} threads)`]: { 'MP/s': round(result.sharpMPs) },
    'rgbToLightness (ours)': { 'MP/s': round(result.lightnessOnlyMPs) },
    'mergeLightness, photo ab': { 'MP/s': round(result.mergeMPs) },
    'mergeLightness, random ab': { 'MP/s': round(result.mergeRandomChromaMPs) },
  });
  console.log(
    `ratio ours/libvips ${round(result.ratio)}× (reused planes ${round(result.ratioReusedPlanes)}×), peak ${round(peakBytesOverPlanes)}× planes, ` +
      `merge |ΔL| mean ${result.mergeLightnessErrorMean.toFixed(3)} max ${result.mergeLightnessErrorMax.toFixed(3)}`,
  );
  return result;
}

/** Smooth colour gradients plus seeded grain: closer to a photo than pure noise, still reproducible. */
function syntheticPhoto(width: number, height: number, seed: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  let s = seed >>> 0;
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p += 3) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const grain = (s >>> 27) - 16;
      rgb[p] = clamp8((255 * x) / width + grain);
      rgb[p + 1] = clamp8((255 * y) / height + grain);
      rgb[p + 2] = clamp8(128 + 100 * Math.sin((x + y) / 300) + grain);
    }
  }
  return rgb;
}

function randomChroma(n: number, seed: number): { a: Float32Array; b: Float32Array } {
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s / 2 ** 32) * 256 - 128;
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    b[i] = (s / 2 ** 32) * 256 - 128;
  }
  return { a, b };
}

/** Seconds per run for each contender, over `runs` rounds that run every contender once. */
async function timeInterleaved(contenders: (() => void | Promise<void>)[], runs = RUNS): Promise<number[][]> {
  for (const run of contenders) await run(); // warm-up: JIT, lookup tables, libvips operation setup
  const seconds = contenders.map((): number[] => []);
  for (let k = 0; k < runs; k++) {
    for (const [c, run] of contenders.entries()) {
      const start = performance.now();
      await run();
      seconds[c].push((performance.now() - start) / 1000);
    }
  }
  return seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[sorted.length >> 1];
}

function clamp8(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
