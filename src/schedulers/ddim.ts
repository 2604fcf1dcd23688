/**
 * DDIM (Song et al. 2021, eq. 12): x_{t'} = sqrt(ᾱ_{t'}) x̂0 + sqrt(1 - ᾱ_{t'} - σ_t²) ε̂ + σ_t z with
 * σ_t = η sqrt((1 - ᾱ_{t'}) / (1 - ᾱ_t)) sqrt(1 - ᾱ_t / ᾱ_{t'}); η = 0 is the deterministic sampler.
 */
import { alphasCumprodOf, makeBetas } from './noise-schedule.js';
import { addScaledNoise, ddimUpdate } from './kernels.js';
import { DiscreteSchedulerBase, epsilonCoefficients, x0Coefficients } from './scheduler-base.js';
import type { SchedulerConfig } from './scheduler-config.js';
import type { SchedulerStepInput, SchedulerStepOutput } from './scheduler.js';

export class DDIMScheduler extends DiscreteSchedulerBase {
  readonly name = 'ddim' as const;
  /** ᾱ after the last step: 1 (fully clean) or ᾱ_0, per `set_alpha_to_one`. */
  private readonly finalAlphaCumprod: number;

  constructor(config: SchedulerConfig) {
    super(config, alphasCumprodOf(makeBetas(config)));
    this.finalAlphaCumprod = config.setAlphaToOne ? 1 : this.alphasCumprod[0];
  }

  step(input: SchedulerStepInput): SchedulerStepOutput {
    const k = this.beginStep(input);
    const { modelOutput, sample } = input;
    const n = sample.length;
    // 1. t' is the next entry of the list (t - T/n is wrong for linspace and trailing spacing).
    const t = this.timesteps[k];
    const prevT = k + 1 < this.timesteps.length ? this.timesteps[k + 1] : -1;
    const abT = this.alphasCumprod[t];
    const abPrev = this.alphaCumprodAt(prevT, this.finalAlphaCumprod);
    const alpha = Math.sqrt(abT);
    const sigma = Math.sqrt(1 - abT);

    // 2. x̂0 and ε̂ (ε̂ from the unclipped prediction, as diffusers does by default).
    const [cS, cM] = x0Coefficients(this.config.predictionType, alpha, sigma);
    const [eS, eM] = epsilonCoefficients(this.config.predictionType, alpha, sigma);
    const range = this.config.clipSample ? this.config.clipSampleRange : Infinity;

    // 3. σ_t (eq. 16) and the direction pointing to x_t.
    const variance = ((1 - abPrev) / (1 - abT)) * (1 - abT / abPrev);
    const std = this.config.eta * Math.sqrt(variance);
    const cX0 = Math.sqrt(abPrev);
    const cDir = Math.sqrt(Math.max(1 - abPrev - std * std, 0));
    const noise = std > 0 ? this.drawNoise(n, input) : undefined;

    const { prev, pred } = this.outputBuffers(n);
    ddimUpdate(sample, modelOutput, pred, prev, cS, cM, range, eS, eM, cX0, cDir);
    if (noise !== undefined) addScaledNoise(prev, noise, std);
    this.endStep();
    return { prevSample: prev, predOriginalSample: pred };
  }
}
