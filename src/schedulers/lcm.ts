/**
 * Latent Consistency Model multistep sampling (Luo et al. 2023, Algorithm 1): at each step the model's
 * consistency estimate of x0 (with the c_skip/c_out boundary condition) is re-noised to the next
 * timestep; the last step returns the estimate itself. Timesteps come from the distillation grid
 * of `original_inference_steps` (e.g. 999, 759, 499, 259 for 4 steps of 50).
 */
import { OptionsError } from '../errors/index.js';
import { alphasCumprodOf, makeBetas } from './noise-schedule.js';
import { lcmDenoise, renoise } from './kernels.js';
import { DiscreteSchedulerBase, x0Coefficients } from './scheduler-base.js';
import type { SchedulerConfig } from './scheduler-config.js';
import type { SchedulerStepInput, SchedulerStepOutput } from './scheduler.js';

const SIGMA_DATA = 0.5;

export class LCMScheduler extends DiscreteSchedulerBase {
  readonly name = 'lcm' as const;
  private readonly finalAlphaCumprod: number;

  constructor(config: SchedulerConfig) {
    super(config, alphasCumprodOf(makeBetas(config)));
    this.finalAlphaCumprod = config.setAlphaToOne ? 1 : this.alphasCumprod[0];
    if (config.originalInferenceSteps > config.numTrainTimesteps) {
      throw new OptionsError(
        `lcm: original_inference_steps (${config.originalInferenceSteps}) cannot exceed num_train_timesteps (${config.numTrainTimesteps})`,
      );
    }
  }

  override maxInferenceSteps(): number {
    return this.config.originalInferenceSteps;
  }

  protected override computeTimesteps(n: number): void {
    const original = this.config.originalInferenceSteps;
    const k = Math.floor(this.config.numTrainTimesteps / original);
    // The distillation grid, descending: original·k - 1, ..., k - 1; then n evenly spaced picks of it.
    const timesteps = new Float64Array(n);
    const stride = original / n; // numpy linspace(0, original, n, endpoint=False), then floor
    for (let i = 0; i < n; i++) {
      const pick = Math.floor(i * stride);
      timesteps[i] = (original - pick) * k - 1;
    }
    this.timesteps = timesteps;
  }

  step(input: SchedulerStepInput): SchedulerStepOutput {
    const index = this.beginStep(input);
    const { modelOutput, sample } = input;
    const n = sample.length;
    const t = this.timesteps[index];
    const last = index === this.timesteps.length - 1;
    const prevT = last ? t : this.timesteps[index + 1];

    // 1. ᾱ at t and at the next timestep.
    const abT = this.alphasCumprod[t];
    const abPrev = this.alphaCumprodAt(prevT, this.finalAlphaCumprod);

    // 2. Boundary-condition scalings (consistency models, Song et al. 2023, with σ_data = 0.5).
    const scaled = t * this.config.timestepScaling;
    const cSkip = (SIGMA_DATA * SIGMA_DATA) / (scaled * scaled + SIGMA_DATA * SIGMA_DATA);
    const cOut = scaled / Math.sqrt(scaled * scaled + SIGMA_DATA * SIGMA_DATA);

    // 3. x̂0 from the model, then denoised = c_out x̂0 + c_skip x_t.
    const [cS, cM] = x0Coefficients(this.config.predictionType, Math.sqrt(abT), Math.sqrt(1 - abT));
    const range = this.config.clipSample ? this.config.clipSampleRange : Infinity;

    // 4. Re-noise to the next timestep, except after the last step.
    const noise = last ? undefined : this.drawNoise(n, input);
    const a = Math.sqrt(abPrev);
    const b = Math.sqrt(1 - abPrev);

    const { prev, pred } = this.outputBuffers(n);
    lcmDenoise(sample, modelOutput, pred, prev, cS, cM, range, cOut, cSkip);
    if (noise !== undefined) renoise(prev, noise, a, b);
    this.endStep();
    return { prevSample: prev, predOriginalSample: pred };
  }
}
