import type { RandomGenerator } from '../random/index.js';
import type { SchedulerConfig } from './scheduler-config.js';
import type { SchedulerName } from './scheduler-names.js';
import type { SchedulerState } from './scheduler-state.js';

export { SCHEDULER_NAMES } from './scheduler-names.js';
export type { SchedulerName } from './scheduler-names.js';

export interface SchedulerStepInput {
  /** What the model predicted for `sample` at `timestep` (epsilon, v or x0, per `config.predictionType`). */
  modelOutput: Float32Array;
  /** The entry of `scheduler.timesteps` this step is for (steps must follow that list in order). */
  timestep: number;
  /** The current latent; it may be the `prevSample` the previous step returned. */
  sample: Float32Array;
  /**
   * Noise source for stochastic schedulers. An array gives one generator per batch item: `sample` is split
   * into `generator.length` equal contiguous chunks and chunk k draws only from `generator[k]`.
   */
  generator?: RandomGenerator | RandomGenerator[];
  /**
   * Temperature of the noise stochastic schedulers inject (its standard deviation; 1 = as trained, 0 = none).
   * Deterministic schedulers ignore it.
   */
  noiseScale?: number;
}

export interface SchedulerStepOutput {
  /** The latent at the next timestep. Owned by the scheduler: overwritten by its next `step()` call. */
  prevSample: Float32Array;
  /** The scheduler's estimate of the clean sample x0 at this step. Owned by the scheduler, like `prevSample`. */
  predOriginalSample: Float32Array;
}

/**
 * A diffusion sampler in diffusers' shape. Per run: `setTimesteps(n)`, start from
 * `randn * initNoiseSigma`, then for each `t` of `timesteps`: `x_in = scaleModelInput(x, t)`,
 * `out = model(x_in, t)`, `x = step({ modelOutput: out, timestep: t, sample: x }).prevSample`.
 * Arrays returned by `scaleModelInput` and `step` are reused by later calls; copy them to keep them.
 */
export interface Scheduler {
  readonly name: SchedulerName;
  readonly config: Readonly<SchedulerConfig>;
  /** Timesteps to feed the model, in order (Heun repeats the inner ones, as in diffusers). */
  readonly timesteps: Float64Array | number[];
  /** Standard deviation of the initial latent. */
  readonly initNoiseSigma: number;
  /** Model evaluations per solver step (2 for Heun). */
  readonly order: number;
  /** Chooses `numInferenceSteps` timesteps and resets all multistep state. */
  setTimesteps(numInferenceSteps: number): void;
  /** The most `numInferenceSteps` this scheduler's config allows. */
  maxInferenceSteps(): number;
  /**
   * Starts the run at `timesteps[index]` instead of the first (a run from a noised latent, as diffusers'
   * `set_begin_index`): call after `setTimesteps` and before the first step.
   */
  setBeginIndex(index: number): void;
  /** The model input for `sample` at `timestep`; the same array when no scaling is needed. */
  scaleModelInput(sample: Float32Array, timestep: number): Float32Array;
  /** One reverse-diffusion step. Throws before `setTimesteps`. */
  step(input: SchedulerStepInput): SchedulerStepOutput;
  /** Its progress through the current run as plain JSON (for persisted snapshots). Throws before `setTimesteps`. */
  getState(): SchedulerState;
  /**
   * Continues a run from `getState()` of a scheduler with the same name and config: call
   * `setTimesteps(n)` with the run's n first. A state that does not fit throws SchedulerConfigError.
   */
  setState(state: SchedulerState): void;
  /** Forward diffusion of `original` to the noise level of `timestep` (img2img strength). New array. */
  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array;
}
