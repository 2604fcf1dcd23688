/**
 * What every scheduler shares: timestep bookkeeping (the step index follows `timesteps`, as in
 * diffusers), argument checks, reusable output buffers and per-sample noise.
 */
import { z } from 'zod';
import { OptionsError, SchedulerConfigError } from '../errors/index.js';
import { createGenerator, randomSeed, type RandomGenerator } from '../random/index.js';
import { spacedTimesteps } from './noise-schedule.js';
import type { PredictionType, SchedulerConfig } from './scheduler-config.js';
import type { Scheduler, SchedulerName, SchedulerStepInput, SchedulerStepOutput } from './scheduler.js';
import { FloatValuesSchema, parseState, SchedulerStateSchema, type SchedulerState } from './scheduler-state.js';

/** A state array of one latent (`runLength` values), or a list of them. */
export const latentValues = (runLength: number) => FloatValuesSchema.length(Math.max(runLength, 0), `one value per latent element (${runLength})`);

/** Reuses `buffer` when it has `length` elements, else allocates (once per run in practice). */
export function ensureBuffer(buffer: Float32Array | undefined, length: number): Float32Array {
  return buffer !== undefined && buffer.length === length ? buffer : new Float32Array(length);
}

/**
 * Coefficients (cS, cM) with x0 = cS * sample + cM * modelOutput, for x = α x0 + σ ε (α² + σ² = 1):
 * ε-prediction x0 = (x - σ ε) / α; v-prediction (v = α ε - σ x0) x0 = α x - σ v; sample x0 = output.
 */
export function x0Coefficients(predictionType: PredictionType, alpha: number, sigma: number): [number, number] {
  switch (predictionType) {
    case 'epsilon':
      return [1 / alpha, -sigma / alpha];
    case 'v_prediction':
      return [alpha, -sigma];
    case 'sample':
      return [0, 1];
  }
}

/** Coefficients (eS, eM) with ε = eS * sample + eM * modelOutput (same conventions as x0Coefficients). */
export function epsilonCoefficients(predictionType: PredictionType, alpha: number, sigma: number): [number, number] {
  switch (predictionType) {
    case 'epsilon':
      return [0, 1];
    case 'v_prediction':
      return [sigma, alpha];
    case 'sample':
      return [1 / sigma, -alpha / sigma];
  }
}

export abstract class SchedulerBase implements Scheduler {
  abstract readonly name: SchedulerName;
  readonly config: SchedulerConfig;
  readonly order: number = 1;
  timesteps: Float64Array = new Float64Array(0);
  initNoiseSigma = 1;

  protected numInferenceSteps = 0;
  /** Index into `timesteps` of the next step; -1 until the first call of a run fixes it. */
  protected stepIndex = -1;
  private runLength = -1;
  private fallbackGenerator: RandomGenerator | undefined;
  protected prevBuffer: Float32Array | undefined;
  protected predBuffer: Float32Array | undefined;
  private noiseBuffer: Float32Array | undefined;
  private scaledBuffer: Float32Array | undefined;

  constructor(config: SchedulerConfig) {
    this.config = config;
  }

  setTimesteps(numInferenceSteps: number): void {
    const max = this.maxInferenceSteps();
    if (!Number.isInteger(numInferenceSteps) || numInferenceSteps < 1 || numInferenceSteps > max) {
      throw new OptionsError(
        `${this.name}: numInferenceSteps must be an integer in 1..${max}, got ${String(numInferenceSteps)}`,
        { details: { numInferenceSteps, max } },
      );
    }
    this.numInferenceSteps = numInferenceSteps;
    this.computeTimesteps(numInferenceSteps);
    this.stepIndex = -1;
    this.runLength = -1;
    this.resetState();
  }

  maxInferenceSteps(): number {
    return this.config.numTrainTimesteps;
  }

  setBeginIndex(index: number): void {
    this.assertReady();
    if (!Number.isInteger(index) || index < 0 || index >= this.timesteps.length) {
      throw new OptionsError(`${this.name}: begin index must be an integer in 0..${this.timesteps.length - 1}, got ${String(index)}`);
    }
    if (this.runLength >= 0) throw new SchedulerConfigError(`${this.name}: setBeginIndex() after the run's first step; call setTimesteps() first`);
    this.stepIndex = index;
  }

  protected abstract computeTimesteps(numInferenceSteps: number): void;

  /** Clears multistep history; called by setTimesteps. */
  protected resetState(): void {}

  abstract scaleModelInput(sample: Float32Array, timestep: number): Float32Array;
  abstract step(input: SchedulerStepInput): SchedulerStepOutput;

  getState(): SchedulerState {
    this.assertReady();
    return {
      name: this.name,
      timesteps: Array.from(this.timesteps),
      stepIndex: this.stepIndex,
      runLength: this.runLength,
      extra: this.saveExtra(),
    };
  }

  setState(state: SchedulerState): void {
    this.assertReady();
    const s = parseState(SchedulerStateSchema, state, `${this.name}: scheduler state`);
    if (s.name !== this.name) throw new SchedulerConfigError(`${this.name}: the scheduler state is of "${s.name}"`, { details: { expected: this.name, got: s.name } });
    const same = s.timesteps.length === this.timesteps.length && s.timesteps.every((t, i) => Math.fround(t) === Math.fround(this.timesteps[i]));
    if (!same) {
      throw new SchedulerConfigError(
        `${this.name}: the scheduler state is for ${s.timesteps.length} other timesteps; call setTimesteps() with the run's steps and the same config first`,
      );
    }
    if (s.stepIndex > this.timesteps.length || (s.stepIndex > 0 && s.runLength < 1)) {
      throw new SchedulerConfigError(`${this.name}: scheduler state at step ${s.stepIndex} of ${this.timesteps.length} with run length ${s.runLength} is inconsistent`);
    }
    this.resetState();
    this.loadExtra(s.extra, s.runLength);
    this.stepIndex = s.stepIndex;
    this.runLength = s.runLength;
  }

  /** What the algorithm carries between steps, as JSON (none for single-step samplers). */
  protected saveExtra(): Record<string, unknown> {
    return {};
  }

  /** Restores saveExtra()'s output after checking it (latent arrays must have `runLength` values). */
  protected loadExtra(extra: Record<string, unknown>, _runLength: number): void {
    parseState(z.object({}).strict(), extra, `${this.name}: scheduler state extra`);
  }
  abstract addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array;

  /** Position of `timestep` in `timesteps`; with duplicates (Heun) the second, as diffusers does. */
  protected indexForTimestep(timestep: number): number {
    const target = Math.fround(timestep);
    let first = -1;
    for (let i = 0; i < this.timesteps.length; i++) {
      if (Math.fround(this.timesteps[i]) === target) {
        if (first >= 0) return i;
        first = i;
      }
    }
    if (first < 0) {
      const shown = Array.from(this.timesteps.slice(0, 6), (t) => +t.toFixed(4)).join(', ');
      throw new SchedulerConfigError(
        `${this.name}: timestep ${timestep} is not in scheduler.timesteps [${shown}${this.timesteps.length > 6 ? ', …' : ''}]`,
      );
    }
    return first;
  }

  protected assertReady(): void {
    if (this.numInferenceSteps === 0) {
      throw new SchedulerConfigError(`${this.name}: call setTimesteps(numInferenceSteps) before step() or scaleModelInput()`);
    }
  }

  /** Index of the step `timestep` belongs to, without advancing (fixes the start of a run). */
  protected currentIndex(timestep: number): number {
    this.assertReady();
    if (this.stepIndex < 0) this.stepIndex = this.indexForTimestep(timestep);
    if (this.stepIndex >= this.timesteps.length) {
      throw new SchedulerConfigError(
        `${this.name}: all ${this.timesteps.length} timesteps are done; call setTimesteps() to start a new run`,
      );
    }
    const expected = this.timesteps[this.stepIndex];
    // float32 comparison: a timestep that went through a float32 tensor still matches.
    if (Math.fround(expected) !== Math.fround(timestep)) {
      throw new SchedulerConfigError(
        `${this.name}: expected timestep ${expected} (index ${this.stepIndex} of scheduler.timesteps), got ${timestep}; ` +
          'steps must follow scheduler.timesteps in order',
      );
    }
    return this.stepIndex;
  }

  /** Checks the step arguments and returns the current step index. */
  protected beginStep(input: SchedulerStepInput): number {
    const { modelOutput, sample } = input;
    if (!(modelOutput instanceof Float32Array) || !(sample instanceof Float32Array)) {
      throw new OptionsError(`${this.name}: step() needs Float32Array modelOutput and sample`);
    }
    if (modelOutput.length !== sample.length || sample.length === 0) {
      throw new OptionsError(
        `${this.name}: modelOutput has ${modelOutput.length} values but sample has ${sample.length}; they must match`,
      );
    }
    const index = this.currentIndex(input.timestep);
    if (this.runLength >= 0 && this.runLength !== sample.length) {
      throw new OptionsError(
        `${this.name}: sample size changed from ${this.runLength} to ${sample.length} within a run; call setTimesteps() first`,
      );
    }
    this.runLength = sample.length;
    return index;
  }

  protected endStep(): void {
    this.stepIndex++;
  }

  protected outputBuffers(length: number): { prev: Float32Array; pred: Float32Array } {
    this.prevBuffer = ensureBuffer(this.prevBuffer, length);
    this.predBuffer = ensureBuffer(this.predBuffer, length);
    return { prev: this.prevBuffer, pred: this.predBuffer };
  }

  protected scaledBufferOf(length: number): Float32Array {
    this.scaledBuffer = ensureBuffer(this.scaledBuffer, length);
    return this.scaledBuffer;
  }

  /**
   * Normal noise of `length` with standard deviation `noiseScale` (default 1), chunk k from generator[k] so
   * each sample stays reproducible alone. The draws are the same at every scale (only multiplied).
   */
  protected drawNoise(length: number, input: Pick<SchedulerStepInput, 'generator' | 'noiseScale'>): Float32Array {
    const { generator, noiseScale = 1 } = input;
    const noise = (this.noiseBuffer = ensureBuffer(this.noiseBuffer, length));
    if (Array.isArray(generator)) {
      const count = generator.length;
      if (count === 0 || length % count !== 0) {
        throw new OptionsError(
          `${this.name}: ${count} generators cannot split a sample of ${length} values into equal batch items`,
        );
      }
      const chunk = length / count;
      for (let k = 0; k < count; k++) generator[k].fillNormal(noise, k * chunk, chunk);
    } else {
      // No generator: still valid, just not reproducible (as diffusers with the global RNG).
      const source = generator ?? (this.fallbackGenerator ??= createGenerator(randomSeed()));
      source.fillNormal(noise, 0, length);
    }
    if (noiseScale !== 1) for (let i = 0; i < length; i++) noise[i] *= noiseScale;
    return noise;
  }

  protected assertSameLength(original: Float32Array, noise: Float32Array): void {
    if (original.length !== noise.length) {
      throw new OptionsError(`${this.name}: addNoise needs original and noise of equal length (${original.length} vs ${noise.length})`);
    }
  }
}

/**
 * Base of the schedulers that work on x_t = sqrt(ᾱ_t) x0 + sqrt(1 - ᾱ_t) ε at integer training
 * timesteps (DDPM, DDIM, LCM): no input scaling, `addNoise` at any training timestep.
 */
export abstract class DiscreteSchedulerBase extends SchedulerBase {
  protected readonly alphasCumprod: Float64Array;

  constructor(config: SchedulerConfig, alphasCumprod: Float64Array) {
    super(config);
    this.alphasCumprod = alphasCumprod;
  }

  scaleModelInput(sample: Float32Array, timestep: number): Float32Array {
    this.currentIndex(timestep);
    return sample;
  }

  /** Integer timesteps by the config's spacing (DDPM, DDIM); LCM overrides it with its distillation grid. */
  protected computeTimesteps(n: number): void {
    const c = this.config;
    this.timesteps = spacedTimesteps(c.timestepSpacing, c.numTrainTimesteps, n, c.stepsOffset);
    for (const t of this.timesteps) {
      if (t < 0 || t >= c.numTrainTimesteps) {
        throw new SchedulerConfigError(
          `${this.name}: timestep ${t} falls outside 0..${c.numTrainTimesteps - 1}; lower steps_offset or use timestep_spacing "trailing" or "linspace"`,
        );
      }
    }
  }

  /** ᾱ at training timestep t (t < 0 means "after the last step"). */
  protected alphaCumprodAt(t: number, final: number): number {
    return t >= 0 ? this.alphasCumprod[t] : final;
  }

  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    this.assertSameLength(original, noise);
    const T = this.config.numTrainTimesteps;
    if (!Number.isInteger(timestep) || timestep < 0 || timestep >= T) {
      throw new OptionsError(`${this.name}: addNoise timestep must be an integer in 0..${T - 1}, got ${timestep}`);
    }
    const ab = this.alphasCumprod[timestep];
    const a = Math.sqrt(ab);
    const s = Math.sqrt(1 - ab);
    const out = new Float32Array(original.length);
    for (let i = 0; i < out.length; i++) out[i] = a * original[i] + s * noise[i];
    return out;
  }
}
