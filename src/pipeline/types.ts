import type { Detector } from '../hints/grounding.js';
import type { SchedulerName } from '../schedulers/scheduler.js';
import type { ColorIntent } from '../prompts/parse-prompt.js';
import type { ColorizeOptionsInput } from './options-schema.js';

export type { ColorIntent } from '../prompts/parse-prompt.js';

/** Raw input: interleaved sRGB pixels, or a lightness plane (CIE L, 0..100). */
export type RawImageInput =
  | { width: number; height: number; rgb: Uint8Array | Uint16Array; channels?: 3 | 4 }
  | { width: number; height: number; L: Float32Array };

export type ColorizeInput = string | Buffer | Uint8Array | RawImageInput;

import type { PipelineStage } from './stages.js';

export type { PipelineStage } from './stages.js';

export interface ProgressEvent {
  stage: PipelineStage;
  /** 1-based denoising step, during 'denoising'. */
  step?: number;
  totalSteps?: number;
  /** 1-based sample being decoded, fused or encoded, in the stages that go sample by sample. */
  sample?: number;
  totalSamples?: number;
  /**
   * Overall progress 0..1, weighted by each stage's expected time (model FLOPs from the pack manifest,
   * pixels × samples, calibrated on this machine by earlier runs), so it grows about linearly in time.
   * It never goes back.
   */
  fraction: number;
  /** Milliseconds since the run started. */
  elapsedMs: number;
  /** Estimated milliseconds left; null until it can be estimated (before denoising starts). */
  etaMs: number | null;
}

export interface ColorizeRuntimeOptions {
  onProgress?: (event: ProgressEvent) => void;
  /** Aborting cancels the run before its next model call; the promise rejects with CancelledError. */
  signal?: AbortSignal;
  /** ONNX Runtime settings: execution provider ('cpu' or 'cuda') and threads. */
  session?: { provider?: 'cpu' | 'cuda'; intraOpThreads?: number };
  /** Decoder tile edge in pixels (memory bound for large photos); the pack's default when absent. */
  tileSize?: number;
  /**
   * Object detector that grounds "<colour> <object>" phrases on the photo (COCO labels): each phrase
   * whose object it finds becomes a region hint. Defaults to the pack's own detector (components.detector,
   * as in the default pack); with neither, phrases go through the text encoder only.
   */
  detector?: Detector;
}

export type ColorizeOptions = ColorizeOptionsInput & ColorizeRuntimeOptions;

export interface ColorizedSample {
  /** 1-based index. */
  index: number;
  seed: number;
  /** Encoded image in `format`. */
  image: Buffer;
  format: 'png' | 'jpeg' | 'webp' | 'avif';
  width: number;
  height: number;
}

export interface StageTimings {
  readMs: number;
  loadMs: number;
  prepareMs: number;
  denoiseMs: number;
  decodeMs: number;
  /** Part of decodeMs: above decodeMaxPixels, the L downscale for the decoder and the guided upsampling of chroma. */
  upsampleMs: number;
  fuseMs: number;
  encodeMs: number;
  totalMs: number;
  /** Time spent inside ONNX Runtime calls, to measure orchestration overhead. */
  modelMs: number;
}

export interface ColorizeResult {
  width: number;
  height: number;
  samples: ColorizedSample[];
  seed: number;
  steps: number;
  scheduler: SchedulerName;
  guidance: number;
  /** Noise temperature used (the request's or the pack's default). */
  temperature: number;
  /** How far the run started from the pack's anchor latent (the request's or the pack's default; 0 without one). */
  anchor: number;
  model: string;
  prompt: { text: string; negative: string; understood: ColorIntent[] };
  timings: StageTimings;
}
