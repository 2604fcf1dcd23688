import type { Manifest } from '../packs/index.js';
import { decodeTiles } from '../vqvae/index.js';
import { decodeSize } from './decode-size.js';
import type { PipelineStage, ProgressEvent, StageTimings } from './types.js';

/**
 * Honest progress: each stage weighs what it costs, so `fraction` grows about linearly in time.
 *
 * A run's work is split into parts whose cost is estimated before they run: model parts from the pack
 * manifest's per-component FLOPs (scaled by batch, steps and the decoder's real tile windows) at a
 * reference FLOP rate plus a per-call overhead; pixel parts (reading, guided upsampling, fusing,
 * encoding) from pixels × samples at per-pixel costs. The reference rates were measured on the project's
 * 2-core machine (cw-semantic and the tiny pack, 64² to 3 MP; there the decoder is 80–90% of a 1 MP run).
 * Each finished run then calibrates every part for its pack and provider in this process (actual ÷
 * estimated, smoothed), so from the second run on the weights are this machine's own. The ETA scales
 * the remaining estimate by how this run's finished work compared with its estimate.
 */

export const WORK_PARTS = ['read', 'encoders', 'denoise', 'decode', 'upsample', 'fuse', 'encode'] as const;
export type WorkPart = (typeof WORK_PARTS)[number];
export type WorkEstimate = Record<WorkPart, number>;

/** The stage that does each part, in run order. */
export const STAGE_PARTS: Readonly<Record<Exclude<PipelineStage, 'done'>, readonly WorkPart[]>> = {
  loading: [],
  preparing: ['read', 'encoders'],
  denoising: ['denoise'],
  decoding: ['decode', 'upsample'],
  fusing: ['fuse'],
  encoding: ['encode'],
};
const STAGES = Object.keys(STAGE_PARTS) as Exclude<PipelineStage, 'done'>[];

/** The stage a part belongs to. */
export function stageOfPart(part: WorkPart): PipelineStage {
  return STAGES.find((stage) => STAGE_PARTS[stage].includes(part))!;
}

/** ONNX Runtime on the reference machine, decoder-sized calls (about 7 GFLOP/s measured). */
const MODEL_FLOPS_PER_MS = 7e6;
/** Per model call: feeds, session dispatch, small operators (the tiny pack's denoising step is almost all this). */
const MODEL_CALL_MS = 15;
const READ_MS = 20;
const NS_PER_PIXEL = { read: 80, upsampleBase: 380, upsampleSample: 350, fuse: 600 } as const;
/** Encoding one sample, per pixel (sharp on the reference machine; AVIF is by far the slowest). */
const ENCODE_NS_PER_PIXEL = { png: 250, jpeg: 60, webp: 450, avif: 6000 } as const;

/** What a run's cost depends on, known once its image is read and its scheduler set. */
export interface RunShape {
  width: number;
  height: number;
  samples: number;
  /** Model evaluations of the denoising loop (the scheduler's timesteps; Heun takes two per step). */
  evaluations: number;
  /** Classifier-free guidance doubles each model call's batch. */
  guided: boolean;
  /** Prompts the text encoder reads (2 with guidance). */
  texts: number;
  /** The run starts from the pack's anchor (its encoder runs once). */
  anchored?: boolean;
  decodeMaxPixels: number;
  tileSize?: number;
  format: keyof typeof ENCODE_NS_PER_PIXEL;
  bitDepth: 8 | 16;
}

/** Estimated milliseconds of each part at the reference rates (before calibration). */
export function estimateWork(manifest: Manifest, run: RunShape): WorkEstimate {
  const c = manifest.components;
  const model = (flops: number, calls: number) => flops / MODEL_FLOPS_PER_MS + calls * MODEL_CALL_MS;
  const pixels = run.width * run.height;
  const n = run.samples;
  const batch = run.guided ? 2 * n : n;

  const anchorFlops = run.anchored ? (c.anchor?.flops ?? 0) : 0;
  const encoderFlops = run.texts * (c.textEncoder.flops ?? 0) + (c.grayEncoder.flops ?? 0) + (c.semanticEncoder?.flops ?? 0) + anchorFlops;
  const encoderCalls = 2 + (c.semanticEncoder ? 1 : 0) + (run.anchored && c.anchor ? 1 : 0);
  const stepFlops = batch * ((c.guider.flops ?? 0) + (c.prior.flops ?? 0));

  // The decoder's FLOPs are per call at the working size; it reads every tile's whole window.
  const decoded = decodeSize(run.width, run.height, run.decodeMaxPixels);
  const { tiles } = decodeTiles(decoded.width, decoded.height, manifest.decoder, { tileSize: run.tileSize });
  const windowPixels = tiles.reduce((sum, t) => sum + (t.wx1 - t.wx0) * (t.wy1 - t.wy0), 0);
  const decoderFlopsPerPixel = (c.decoder.flops ?? 0) / (manifest.workingSize * manifest.workingSize);

  const encodeNs = ENCODE_NS_PER_PIXEL[run.format] * (run.format === 'png' && run.bitDepth === 16 ? 2 : 1);
  return {
    read: READ_MS + (pixels * NS_PER_PIXEL.read) / 1e6,
    encoders: model(encoderFlops, encoderCalls),
    denoise: run.evaluations * model(stepFlops, 2),
    decode: model(0, 1) + n * model(windowPixels * decoderFlopsPerPixel, tiles.length),
    upsample: decoded.scale < 1 ? (pixels * (NS_PER_PIXEL.upsampleBase + n * NS_PER_PIXEL.upsampleSample)) / 1e6 : 0,
    fuse: (n * pixels * NS_PER_PIXEL.fuse) / 1e6,
    encode: (n * pixels * encodeNs) / 1e6,
  };
}

/** Measured time of each part, from a finished run's timings. */
export function measuredWork(t: StageTimings): WorkEstimate {
  return { read: t.readMs, encoders: t.prepareMs, denoise: t.denoiseMs, decode: t.decodeMs - t.upsampleMs, upsample: t.upsampleMs, fuse: t.fuseMs, encode: t.encodeMs };
}

/** Per pack and provider: how much slower (> 1) or faster this process runs each part than estimated. */
const calibrations = new Map<string, WorkEstimate>();
/** Weight of the newest run in the calibration (the rest is history, so one slow run moves it only halfway). */
const CALIBRATION_WEIGHT = 0.5;
/** Parts estimated shorter than this are mostly noise and timer granularity: not calibrated from. */
const CALIBRATION_MIN_MS = 5;
/** Until a tenth of the work has run, the ETA trusts the estimate about as much as the measured pace. */
const ETA_PRIOR_SHARE = 0.1;

export function calibrationFor(key: string): Readonly<WorkEstimate> | undefined {
  return calibrations.get(key);
}

/** Folds a finished run's measured times into the calibration for `key`. */
export function calibrate(key: string, estimated: WorkEstimate, measured: WorkEstimate): void {
  const previous = calibrations.get(key);
  const next = {} as WorkEstimate;
  for (const part of WORK_PARTS) {
    const old = previous?.[part] ?? 1;
    const ratio = measured[part] / estimated[part];
    const usable = estimated[part] >= CALIBRATION_MIN_MS && Number.isFinite(ratio) && ratio > 0;
    // Clamped: a run interrupted by a paused laptop must not make every later estimate absurd.
    next[part] = usable ? Math.min(50, Math.max(0.02, previous === undefined ? ratio : (1 - CALIBRATION_WEIGHT) * old + CALIBRATION_WEIGHT * ratio)) : old;
  }
  calibrations.set(key, next);
}

/** Forgets every calibration (tests). */
export function resetCalibrations(): void {
  calibrations.clear();
}

/**
 * The progress of one run: which parts are done (0..1 each), what they weigh, and the clock. Stage
 * changes come from the machine's snapshots; work inside a stage (a decoder tile, a sample encoded)
 * from the actors through `advance`.
 */
export class RunProgress {
  readonly startedAt = performance.now();
  /** Reference estimate (uncalibrated), kept to calibrate from once the run ends. */
  estimated: WorkEstimate | undefined;
  #weights: WorkEstimate | undefined;
  #total = 0;
  readonly #done: Partial<Record<WorkPart, number>> = {};
  /** When preparing began: loading a pack is a one-off that says nothing about this image's rate. */
  #workStartedAt: number | undefined;
  #lastFraction = 0;

  /** Calibration of this run's pack and provider, once planned. */
  calibrationKey: string | undefined;

  constructor(readonly provider: string) {}

  /** Sets the weights once the run's shape is known (after its image is read). */
  plan(manifest: Manifest, run: RunShape): void {
    if (this.#weights !== undefined) return;
    this.estimated = estimateWork(manifest, run);
    this.calibrationKey = `${manifest.name}|${this.provider}`;
    const factors = calibrationFor(this.calibrationKey);
    this.#weights = Object.fromEntries(WORK_PARTS.map((p) => [p, this.estimated![p] * (factors?.[p] ?? 1)])) as WorkEstimate;
    this.#total = WORK_PARTS.reduce((sum, p) => sum + this.#weights![p], 0);
  }

  /** Marks `part` done up to `fraction` (never backwards). */
  advance(part: WorkPart, fraction: number): void {
    this.#done[part] = Math.max(this.#done[part] ?? 0, Math.min(1, fraction));
  }

  /** Every part of the stages before `stage` is done; called as the machine enters it. */
  enter(stage: PipelineStage): void {
    if (stage !== 'loading' && this.#workStartedAt === undefined) this.#workStartedAt = performance.now();
    const at = stage === 'done' ? STAGES.length : STAGES.indexOf(stage);
    for (const earlier of STAGES.slice(0, at)) for (const part of STAGE_PARTS[earlier]) this.advance(part, 1);
  }

  /** The event for the current position; `fraction` never goes back, `etaMs` is null until it can be estimated. */
  event(stage: PipelineStage, extra: Pick<ProgressEvent, 'step' | 'totalSteps' | 'sample' | 'totalSamples'> = {}): ProgressEvent {
    const now = performance.now();
    const elapsedMs = Math.round(now - this.startedAt);
    if (stage === 'done') return { stage, ...extra, fraction: 1, elapsedMs, etaMs: 0 };
    const weights = this.#weights;
    let done = 0;
    if (weights !== undefined) for (const part of WORK_PARTS) done += weights[part] * (this.#done[part] ?? 0);
    const fraction = weights === undefined || this.#total <= 0 ? 0 : Math.min(1, done / this.#total);
    this.#lastFraction = Math.max(this.#lastFraction, fraction);
    return { stage, ...extra, fraction: this.#lastFraction, elapsedMs, etaMs: this.#eta(stage, done, now) };
  }

  #eta(stage: PipelineStage, done: number, now: number): number | null {
    // Estimable once preparing is over: the image is read, the encoders ran, their time is known.
    const at = STAGES.indexOf(stage as Exclude<PipelineStage, 'done'>);
    if (this.#weights === undefined || this.#workStartedAt === undefined || at <= STAGES.indexOf('preparing') || done <= 0) return null;
    // This run's pace so far (actual ÷ estimated), shrunk towards the estimate while little has run.
    const prior = ETA_PRIOR_SHARE * this.#total;
    const rate = (now - this.#workStartedAt + prior) / (done + prior);
    return Math.max(0, Math.round((this.#total - done) * rate));
  }
}
