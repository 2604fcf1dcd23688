import type { HintField, ResolvedHint } from '../hints/index.js';
import type { DecodedImage } from '../image/index.js';
import type { ModelPack } from '../packs/index.js';
import type { RandomGenerator } from '../random/index.js';
import type { FloatTensor } from '../runtime/index.js';
import type { Scheduler } from '../schedulers/index.js';
import type { RunProgress, WorkPart } from './progress-plan.js';
import type { ColorizedSample, ColorizeInput, ColorizeRuntimeOptions, ProgressEvent } from './types.js';

/** The heavy, non-serializable state of one run; the machine's context only points at its progress. */
export interface RunWorkspace {
  input: ColorizeInput;
  runtime: ColorizeRuntimeOptions;
  /** Where the run stands (set by runColorizeActor); the prepare actor plans it once the image is read. */
  progress?: RunProgress;
  /** Actors report work done inside a stage (a decoder tile, a sample encoded); the runner emits events. */
  report?: (part: WorkPart, fraction: number, extra?: Pick<ProgressEvent, 'sample' | 'totalSamples'>) => void;
  /** Restored from a snapshot: its stage times are partial, so they do not calibrate progress. */
  restored?: boolean;
  pack?: ModelPack;
  image?: {
    width: number;
    height: number;
    /** Original lightness at full resolution (CIE L, 0..100): the output's L is exactly this. */
    L: Float32Array;
    alpha?: Uint8Array | Uint16Array;
    bitDepth: 8 | 16;
    metadata?: DecodedImage['metadata'];
  };
  conditioning?: {
    /** Batch for one model call: [uncond × N, cond × N] with guidance, else [cond × N]. */
    hidden: FloatTensor;
    grayLatent: FloatTensor;
    hint: FloatTensor;
    /** The semantic encoder's features, for packs that have one. */
    semantic?: FloatTensor;
    guided: boolean;
  };
  /** Every colour constraint of the run (objects, reference matches, the user's points and strokes). */
  hints?: ResolvedHint[];
  /** Their propagation on L, built once at fusing and applied to every sample. */
  hintField?: HintField;
  scheduler?: Scheduler;
  generators?: RandomGenerator[];
  ab?: { a: Float32Array; b: Float32Array }[];
  rgb?: (Uint8Array | Uint16Array)[];
  samples?: ColorizedSample[];
}
