/**
 * Shared by the multistep solvers (DPM-Solver++, UniPC): integer timesteps chosen as diffusers does
 * for them (n + 1 points with the last dropped), σ per step, and the (α_t, σ_t, λ_t) of a σ.
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
import { SchedulerBase } from './scheduler-base.js';
import type { SchedulerConfig } from './scheduler-config.js';

export function multistepSchedule(
  config: SchedulerConfig,
  trainSigmas: Float64Array,
  n: number,
): { timesteps: Float64Array; sigmas: Float64Array } {
  const T = config.numTrainTimesteps;
  // λ_min clipping (DPM-Solver): drop the noisiest timesteps whose λ = -log σ is below the bound.
  let clipped = 0;
  for (let t = T - 1; t >= 0 && -Math.log(trainSigmas[t]) < config.lambdaMinClipped; t--) clipped++;
  const last = T - clipped;

  let timesteps: Float64Array;
  if (config.timestepSpacing === 'linspace') {
    const lin = linspace(0, last - 1, n + 1);
    timesteps = new Float64Array(n);
    for (let i = 0; i < n; i++) timesteps[i] = roundHalfEven(lin[n - i]);
  } else if (config.timestepSpacing === 'leading') {
    const ratio = Math.floor(last / (n + 1));
    timesteps = new Float64Array(n);
    for (let i = 0; i < n; i++) timesteps[i] = (n - i) * ratio + config.stepsOffset;
  } else {
    const ratio = T / n;
    const values: number[] = [];
    for (let i = 0; i < n && last - i * ratio > 0; i++) values.push(roundHalfEven(last - i * ratio) - 1);
    timesteps = Float64Array.from(values);
  }

  let sigmas: Float64Array;
  if (config.useKarrasSigmas) {
    const count = timesteps.length;
    sigmas = karrasSigmas(config.sigmaMin ?? trainSigmas[0], config.sigmaMax ?? trainSigmas[T - 1], count);
    const logSigmas = trainSigmas.map(Math.log);
    // diffusers rounds (cosine schedule: truncates through its int64 cast) so the model gets integers.
    const toInt = config.betaSchedule === 'squaredcos_cap_v2' ? Math.trunc : roundHalfEven;
    timesteps = sigmas.map((s) => toInt(sigmaToT(s, logSigmas)));
  } else {
    sigmas = timesteps.map((t) => interpIndex(trainSigmas, t));
  }
  const all = new Float64Array(sigmas.length + 1);
  all.set(sigmas);
  all[sigmas.length] = config.finalSigmasType === 'sigma_min' ? trainSigmas[0] : 0;
  return { timesteps, sigmas: all };
}

/** x_t = α_t x0 + σ_t ε for the σ-space level s: α_t = 1/sqrt(s² + 1), σ_t = s α_t, λ_t = -log s. */
export function alphaSigmaLambda(s: number): { alpha: number; sigma: number; lambda: number } {
  const alpha = 1 / Math.sqrt(s * s + 1);
  return { alpha, sigma: s * alpha, lambda: -Math.log(s) };
}

export abstract class MultistepSchedulerBase extends SchedulerBase {
  protected readonly alphasCumprod: Float64Array;
  protected readonly trainSigmas: Float64Array;
  protected sigmas: Float64Array = new Float64Array(0);

  constructor(config: SchedulerConfig) {
    super(config);
    this.alphasCumprod = alphasCumprodForSigmas(config);
    this.trainSigmas = sigmasFromAlphasCumprod(this.alphasCumprod);
  }

  protected computeTimesteps(n: number): void {
    ({ timesteps: this.timesteps, sigmas: this.sigmas } = multistepSchedule(this.config, this.trainSigmas, n));
    this.numInferenceSteps = this.timesteps.length;
  }

  scaleModelInput(sample: Float32Array, timestep: number): Float32Array {
    this.currentIndex(timestep);
    return sample;
  }

  /** Noised to the schedule's σ at `timestep` when it is one of `timesteps` (Karras σ differ), else to ᾱ_t. */
  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    this.assertSameLength(original, noise);
    const T = this.config.numTrainTimesteps;
    let a: number;
    let s: number;
    const index = this.timesteps.indexOf(timestep);
    if (index >= 0) {
      ({ alpha: a, sigma: s } = alphaSigmaLambda(this.sigmas[index]));
    } else if (Number.isInteger(timestep) && timestep >= 0 && timestep < T) {
      a = Math.sqrt(this.alphasCumprod[timestep]);
      s = Math.sqrt(1 - this.alphasCumprod[timestep]);
    } else {
      throw new OptionsError(`${this.name}: addNoise timestep must be an integer in 0..${T - 1}, got ${timestep}`);
    }
    const out = new Float32Array(original.length);
    for (let i = 0; i < out.length; i++) out[i] = a * original[i] + s * noise[i];
    return out;
  }
}
