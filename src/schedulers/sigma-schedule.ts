/**
 * Shared by the Karras-style samplers (Euler, Euler ancestral, Heun): they integrate in σ-space,
 * x̃ = x / sqrt(ᾱ) = x0 + σ ε, feed the model x̃ / sqrt(σ² + 1), and take fractional timesteps.
 */
import { OptionsError } from '../errors/index.js';
import {
  alphasCumprodForSigmas,
  interpIndex,
  karrasSigmas,
  linspace,
  roundHalfEven,
  sigmaToT,
  sigmasFromAlphasCumprod,
} from './noise-schedule.js';
import { scaleInto } from './kernels.js';
import { SchedulerBase } from './scheduler-base.js';
import type { SchedulerConfig } from './scheduler-config.js';

/** Timesteps (float32 values, as diffusers keeps them) and σ per step plus the final σ. */
export function sigmaSchedule(
  config: SchedulerConfig,
  trainSigmas: Float64Array,
  n: number,
): { timesteps: Float64Array; sigmas: Float64Array } {
  const T = config.numTrainTimesteps;
  let timesteps: Float64Array = new Float64Array(n);
  if (config.timestepSpacing === 'linspace') {
    const lin = linspace(0, T - 1, n);
    for (let i = 0; i < n; i++) timesteps[i] = Math.fround(lin[n - 1 - i]);
  } else if (config.timestepSpacing === 'leading') {
    const ratio = Math.floor(T / n);
    for (let i = 0; i < n; i++) timesteps[i] = (n - 1 - i) * ratio + config.stepsOffset;
  } else {
    const ratio = T / n;
    for (let i = 0; i < n; i++) timesteps[i] = roundHalfEven(T - i * ratio) - 1;
  }
  let sigmas: Float64Array = timesteps.map((t) => interpIndex(trainSigmas, t));
  if (config.useKarrasSigmas) {
    sigmas = karrasSigmas(config.sigmaMin ?? sigmas[n - 1], config.sigmaMax ?? sigmas[0], n);
    const logSigmas = trainSigmas.map(Math.log);
    timesteps = sigmas.map((s) => Math.fround(sigmaToT(s, logSigmas)));
  }
  const all = new Float64Array(n + 1);
  all.set(sigmas);
  all[n] = config.finalSigmasType === 'sigma_min' ? trainSigmas[0] : 0;
  return { timesteps, sigmas: all };
}

export abstract class SigmaSchedulerBase extends SchedulerBase {
  protected readonly trainSigmas: Float64Array;
  /** σ for each entry of `timesteps`, plus the final σ. */
  protected sigmas: Float64Array = new Float64Array(0);

  constructor(config: SchedulerConfig) {
    super(config);
    this.trainSigmas = sigmasFromAlphasCumprod(alphasCumprodForSigmas(config));
  }

  /** The plain σ schedule (Euler, Euler ancestral); Heun overrides it to repeat its timesteps. */
  protected computeTimesteps(n: number): void {
    ({ timesteps: this.timesteps, sigmas: this.sigmas } = sigmaSchedule(this.config, this.trainSigmas, n));
    this.updateInitNoiseSigma();
  }

  /** diffusers: σ_max for linspace/trailing, sqrt(σ_max² + 1) for leading (its quirk, kept for parity). */
  protected updateInitNoiseSigma(): void {
    let max = 0;
    for (const s of this.sigmas) max = Math.max(max, s);
    this.initNoiseSigma = this.config.timestepSpacing === 'leading' ? Math.sqrt(max * max + 1) : max;
  }

  scaleModelInput(sample: Float32Array, timestep: number): Float32Array {
    const sigma = this.sigmas[this.currentIndex(timestep)];
    const scale = 1 / Math.sqrt(sigma * sigma + 1);
    const out = this.scaledBufferOf(sample.length);
    scaleInto(sample, out, scale);
    return out;
  }

  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    this.assertSameLength(original, noise);
    if (this.timesteps.length === 0) {
      throw new OptionsError(`${this.name}: call setTimesteps() before addNoise() (its noise levels come from the schedule)`);
    }
    const sigma = this.sigmas[this.indexForTimestep(timestep)];
    const out = new Float32Array(original.length);
    for (let i = 0; i < out.length; i++) out[i] = original[i] + sigma * noise[i];
    return out;
  }
}
