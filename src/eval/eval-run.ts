import { OptionsError } from '../errors/index.js';
import type { ColorizeInput, ColorizeOptions, ColorizeResult } from '../pipeline/index.js';
import { grayOf, joinDir, listImages, readRgb8 } from './io.js';
import { stemOf } from './pairing.js';
import type { SystemScores } from './report.js';
import { squareAt } from './resize.js';
import { scoreImage, toLab, totalScore, type ImageScore } from './score.js';
import type { SheetRow } from './sheet.js';
import type { LabPlanes, Rgb8Image } from './types.js';

/** The library's colorize(); injected so tests and benchmarks can substitute it. */
export type ColorizeFn = (input: ColorizeInput, options: ColorizeOptions) => Promise<ColorizeResult>;

/** Colorize settings eval passes through (a subset of ColorizeOptions; output is always PNG). */
export type EvalColorizeOptions = Pick<
  ColorizeOptions,
  'model' | 'steps' | 'samples' | 'seed' | 'scheduler' | 'guidance' | 'temperature' | 'anchor' | 'strength' | 'prompt' | 'negativePrompt' | 'session' | 'detector'
>;

/** Default seed: eval runs must be repeatable, so the seed is fixed unless one is given. */
export const EVAL_SEED = 0;
export const EVAL_SIZE = 256;

/** A ground truth prepared for a run: cropped/resized RGB, its Lab, and the gray input (its L). */
export interface EvalImage {
  name: string;
  file: string;
  gt: Rgb8Image;
  lab: LabPlanes;
}

/**
 * Reads the ground truths of a folder and prepares them: centre-crop to a square and resize to
 * size×size (size 0 keeps each image as it is). The gray input is the Lab L of this ground truth.
 */
export async function loadEvalImages(gtDir: string, options: { size?: number; limit?: number; maxPixels?: number } = {}): Promise<EvalImage[]> {
  const size = options.size ?? EVAL_SIZE;
  if (!Number.isInteger(size) || size < 0 || size === 1 || size > 8192) {
    throw new OptionsError(`size must be 0 (keep) or an integer 2..8192, got ${size}`, { details: { size } });
  }
  let names = await listImages(gtDir, 'ground-truth');
  if (names.length === 0) throw new OptionsError(`no images in ${gtDir}`, { details: { gtDir } });
  if (options.limit !== undefined) names = names.slice(0, options.limit);
  const images: EvalImage[] = [];
  for (const file of names) {
    const original = await readRgb8(joinDir(gtDir, file), options.maxPixels);
    const gt = size === 0 ? original : squareAt(original, size);
    images.push({ name: stemOf(file), file, gt, lab: toLab(gt) });
  }
  return images;
}

/** Decodes the encoded samples of a colorize result to 8-bit RGB. */
export async function decodeSamples(result: ColorizeResult): Promise<Rgb8Image[]> {
  return Promise.all(result.samples.map((s) => readRgb8(s.image)));
}

export interface EvalRunOptions {
  images: readonly EvalImage[];
  colorize: ColorizeFn;
  colorizeOptions?: EvalColorizeOptions;
  keepRows?: boolean;
  onImage?: (event: { index: number; total: number; name: string; seconds: number }) => void;
}

export interface EvalRunResult {
  /** The model's samples and the gray baseline (ab = 0), scored on the same ground truths. */
  systems: [SystemScores, SystemScores];
  rows: SheetRow[];
  /** Settings the pipeline reported for the first image (pack, steps, scheduler, guidance, temperature, seed). */
  settings: Pick<ColorizeResult, 'model' | 'steps' | 'scheduler' | 'guidance' | 'temperature' | 'anchor' | 'seed'> | null;
  seconds: { total: number; perImage: number; denoisePerImage: number };
}

/** Colorizes each prepared ground truth from its L, then scores the samples and the gray baseline. */
export async function evalRun(options: EvalRunOptions): Promise<EvalRunResult> {
  const colorizeOptions: ColorizeOptions = { seed: EVAL_SEED, ...options.colorizeOptions, format: 'png', keepMetadata: false };
  const model: ImageScore[] = [];
  const gray: ImageScore[] = [];
  const rows: SheetRow[] = [];
  let settings: EvalRunResult['settings'] = null;
  let colorizeSeconds = 0;
  let denoiseSeconds = 0;
  for (const [index, image] of options.images.entries()) {
    const started = performance.now();
    const result = await options.colorize({ width: image.gt.width, height: image.gt.height, L: image.lab.L }, colorizeOptions);
    const seconds = (performance.now() - started) / 1000;
    colorizeSeconds += seconds;
    denoiseSeconds += result.timings.denoiseMs / 1000;
    settings ??= { model: result.model, steps: result.steps, scheduler: result.scheduler, guidance: result.guidance, temperature: result.temperature, anchor: result.anchor, seed: result.seed };
    const samples = await decodeSamples(result);
    const baseline = grayOf(image.lab);
    model.push(scoreImage(image.name, image.gt, samples));
    gray.push(scoreImage(image.name, image.gt, [baseline]));
    if (options.keepRows === true) rows.push({ label: image.file, gray: baseline, samples, gt: image.gt });
    options.onImage?.({ index: index + 1, total: options.images.length, name: image.name, seconds });
  }
  const n = Math.max(1, options.images.length);
  return {
    systems: [
      { name: 'model', images: model, total: totalScore(model) },
      { name: 'gray', images: gray, total: totalScore(gray) },
    ],
    rows,
    settings,
    seconds: { total: colorizeSeconds, perImage: colorizeSeconds / n, denoisePerImage: denoiseSeconds / n },
  };
}
