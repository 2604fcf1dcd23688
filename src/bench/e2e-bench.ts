import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { encodeImage } from '../image/index.js';
import { DEFAULT_PACK_NAME, resolvePackDir } from '../packs/index.js';
import type { ColorizeInput, ColorizeOptions, ColorizeResult } from '../pipeline/index.js';
import { measurePeakFlops, type PeakFlops } from './peak-flops.js';

/**
 * End to end, as a user calls it: an encoded gray PNG in, encoded PNG samples out. Seconds per image
 * at 256², 512², 1024² and 12 MP with 1 and 4 samples, peak RSS, and the denoising loop's achieved
 * FLOP/s as a share of this CPU's peak measured in the same run.
 */

type Colorize = (input: ColorizeInput, options: ColorizeOptions) => Promise<ColorizeResult>;

export interface E2eCase {
  label: string;
  width: number;
  height: number;
  samples: number;
}

const SIZES: readonly [string, number, number][] = [
  ['256²', 256, 256],
  ['512²', 512, 512],
  ['1024²', 1024, 1024],
  ['12MP', 4000, 3000],
];

/** Ordered by growing memory, so the process's lifetime peak RSS after each case is that case's peak. */
export const FULL_CASES: readonly E2eCase[] = [1, 4].flatMap((samples) =>
  SIZES.map(([label, width, height]) => ({ label, width, height, samples })),
).sort((a, b) => a.width * a.height * a.samples - b.width * b.height * b.samples);

export const QUICK_CASES: readonly E2eCase[] = [
  { label: '256²', width: 256, height: 256, samples: 1 },
  { label: '512²', width: 512, height: 512, samples: 1 },
  { label: '256²', width: 256, height: 256, samples: 4 },
];

export interface FlopsPerStep {
  /** FLOPs of guider + prior for one batch item at one step. */
  perItem: number;
  source: 'manifest' | 'estimate';
  note: string;
}

/**
 * Model FLOPs per denoising step and batch item. Taken from the manifest when the exporter records
 * `components.{guider,prior}.flops` (counted in PyTorch); otherwise estimated as 2·parameters per
 * latent position: exact for 1×1 layers and attention projections at full latent resolution, an upper
 * bound for a UNet whose deeper blocks run on fewer positions.
 */
export function flopsPerStep(manifest: unknown): FlopsPerStep {
  const m = manifest as {
    workingSize: number;
    latent: { downsample: number };
    components: Record<'guider' | 'prior', { parameters?: number; flops?: number }>;
  };
  const { guider, prior } = m.components;
  if (typeof guider.flops === 'number' && typeof prior.flops === 'number') {
    return { perItem: guider.flops + prior.flops, source: 'manifest', note: 'guider + prior FLOPs recorded by the exporter' };
  }
  const side = m.workingSize / m.latent.downsample;
  const parameters = (guider.parameters ?? 0) + (prior.parameters ?? 0);
  return {
    perItem: 2 * parameters * side * side,
    source: 'estimate',
    note: `upper bound 2 × ${parameters} parameters (guider + prior) × ${side}×${side} latent positions`,
  };
}

/** A smooth gradient with fine texture (deterministic), so the decoder sees edges. */
export function syntheticGrayRgb(width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = Math.round(128 + 90 * Math.sin(x / 41) * Math.cos(y / 59) + ((x * 7 + y * 13) % 19) - 9);
      rgb.fill(Math.min(255, Math.max(0, v)), (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return rgb;
}

/** Highest RSS seen by sampling while `work` runs (ONNX Runtime works on its own threads, so timers fire). */
async function withRssPeak<T>(work: () => Promise<T>): Promise<{ value: T; peakRss: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  try {
    const value = await work();
    return { value, peakRss: Math.max(peak, process.memoryUsage.rss()) };
  } finally {
    clearInterval(timer);
  }
}

async function defaultPack(): Promise<string> {
  try {
    return resolvePackDir(DEFAULT_PACK_NAME);
  } catch {
    return resolve('test/fixtures/tiny-pack');
  }
}

/** The pack a new default is timed against (`--baseline` changes it). */
const BASELINE_PACK = 'cw-interim';

/**
 * 512², 1 sample, default settings, median of 3: the pack beside a baseline pack in the same process, so the
 * ratio holds whatever else the machine is doing. Skipped when the baseline is the pack or is not installed.
 */
async function compareWithBaseline(colorize: Colorize, model: string, baseline: string, quick: boolean) {
  let baseDir: string;
  try {
    baseDir = resolvePackDir(baseline);
  } catch {
    return undefined;
  }
  if (resolvePackDir(model) === baseDir) return undefined;
  const png = await encodeImage({ width: 512, height: 512, rgb: syntheticGrayRgb(512, 512) }, { format: 'png' });
  const median = async (pack: string): Promise<number> => {
    await colorize(png, { model: pack, seed: 1 }); // warm: sessions loaded, caches filled
    const times: number[] = [];
    for (let i = 0; i < (quick ? 1 : 3); i++) {
      const started = performance.now();
      await colorize(png, { model: pack, seed: 1 + i });
      times.push((performance.now() - started) / 1000);
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  };
  const packS = await median(model);
  const baselineS = await median(baseDir);
  const ratio = packS / baselineS;
  console.log(`512², 1 sample, default settings: ${packS.toFixed(3)} s with ${model} vs ${baselineS.toFixed(3)} s with ${baseline} (ratio ${ratio.toFixed(2)})`);
  return { size: '512²', samples: 1, packS: round(packS, 3), baseline, baselineS: round(baselineS, 3), ratio: round(ratio, 3) };
}

export async function runE2eBench(options: {
  model?: string;
  quick?: boolean;
  baseline?: string;
  colorize?: Colorize;
  peak?: PeakFlops;
}): Promise<Record<string, unknown>> {
  const colorize = options.colorize ?? (await import('../pipeline/index.js')).colorize;
  const model = options.model ?? (await defaultPack());
  const manifest: unknown = JSON.parse(await readFile(join(resolvePackDir(model), 'manifest.json'), 'utf8'));
  const flops = flopsPerStep(manifest);

  // Peak first, on a quiet process: the pack's sessions are not loaded yet.
  const { runMatmulProbe } = await import('../runtime/index.js');
  const peak = options.peak ?? (await measurePeakFlops({ n: 1024, probe: runMatmulProbe, minSeconds: options.quick ? 0.5 : 2 }));

  const loadStarted = performance.now();
  await colorize({ width: 64, height: 64, rgb: syntheticGrayRgb(64, 64) }, { model, seed: 1, steps: 2 });
  const warmUpSeconds = (performance.now() - loadStarted) / 1000;

  const rows: Record<string, unknown>[] = [];
  for (const c of options.quick ? QUICK_CASES : FULL_CASES) {
    const png = await encodeImage({ width: c.width, height: c.height, rgb: syntheticGrayRgb(c.width, c.height) }, { format: 'png' });
    const started = performance.now();
    const { value: result, peakRss } = await withRssPeak(() => colorize(png, { model, seed: 1, samples: c.samples, format: 'png' }));
    const seconds = (performance.now() - started) / 1000;
    const t = result.timings;
    const guided = result.guidance !== 1 && result.prompt.text !== '';
    // One guider + prior evaluation per step (single-evaluation schedulers such as DPM++ 2M, DDIM, Euler).
    const modelFlops = flops.perItem * c.samples * (guided ? 2 : 1) * result.steps;
    const achieved = t.denoiseMs > 0 ? modelFlops / (t.denoiseMs / 1000) : 0;
    rows.push({
      size: c.label,
      samples: c.samples,
      steps: result.steps,
      seconds: round(seconds, 3),
      secondsPerSample: round(seconds / c.samples, 3),
      denoiseS: round(t.denoiseMs / 1000, 3),
      decodeS: round(t.decodeMs / 1000, 3),
      ioS: round((t.readMs + t.encodeMs) / 1000, 3),
      modelS: round(t.modelMs / 1000, 3),
      peakRssMB: Math.round(peakRss / 2 ** 20),
      maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      achievedGflops: round(achieved / 1e9, 3),
      peakShare: round(achieved / peak.flopsPerSecond, 4),
    });
  }

  console.log(`model pack: ${model}`);
  console.log(`peak: ${(peak.flopsPerSecond / 1e9).toFixed(2)} GFLOP/s (${peak.method}, ${peak.threads} thread(s), n=${peak.n})`);
  console.log(`model FLOPs per step and sample: ${(flops.perItem / 1e9).toFixed(4)} GFLOP (${flops.source}: ${flops.note})`);
  console.log(`warm-up (pack load + first run): ${warmUpSeconds.toFixed(2)} s`);
  console.table(rows);
  const overPeak = rows.some((r) => (r.peakShare as number) > 1);
  const caveat =
    `peakShare divides the model's FLOPs (${flops.source === 'estimate' ? 'an upper-bound estimate' : 'from the manifest'}) by ` +
    `${peak.method === 'js-float32-blocked-ikj' ? "a single-thread JS matmul, a floor of the CPU's SIMD multi-core peak" : peak.method}` +
    (overPeak ? '; shares above 1 mean the peak probe underestimates the CPU' : '');
  console.log(caveat);
  const baseline = await compareWithBaseline(colorize, model, options.baseline ?? BASELINE_PACK, options.quick === true);
  return {
    baseline,
    model,
    quick: options.quick === true,
    peak,
    flopsPerStep: flops,
    peakShareNote: caveat,
    warmUpSeconds: round(warmUpSeconds, 3),
    rows,
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
