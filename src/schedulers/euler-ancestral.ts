/**
 * Euler ancestral (k-diffusion's sample_euler_ancestral): an Euler step down to σ_down, then fresh noise
 * of size σ_up, with σ_up² = σ'²(σ² - σ'²)/σ² and σ_down² = σ'² - σ_up², so the marginal is kept.
 */
import { SigmaSchedulerBase } from './sigma-schedule.js';
import { addScaledNoise, x0ThenAffine } from './kernels.js';
import { x0Coefficients } from './scheduler-base.js';
import type { SchedulerStepInput, SchedulerStepOutput } from './scheduler.js';

export class EulerAncestralDiscreteScheduler extends SigmaSchedulerBase {
  readonly name = 'euler-ancestral' as const;

  step(input: SchedulerStepInput): SchedulerStepOutput {
    const k = this.beginStep(input);
    const { modelOutput, sample } = input;
    const n = sample.length;
    const sigma = this.sigmas[k];
    const sigmaTo = this.sigmas[k + 1];
    // 1. x̂0 (sample prediction is supported too, unlike diffusers).
    const alpha = 1 / Math.sqrt(sigma * sigma + 1);
    const [cS0, cM] = x0Coefficients(this.config.predictionType, alpha, sigma * alpha);
    const cS = cS0 * alpha;
    // 2. Split σ' into the deterministic part σ_down and the injected noise σ_up.
    const sigmaUp = Math.sqrt((sigmaTo * sigmaTo * (sigma * sigma - sigmaTo * sigmaTo)) / (sigma * sigma));
    const sigmaDown = Math.sqrt(Math.max(sigmaTo * sigmaTo - sigmaUp * sigmaUp, 0));
    const r = sigmaDown / sigma;
    const noise = sigmaUp > 0 ? this.drawNoise(n, input) : undefined;
    const { prev, pred } = this.outputBuffers(n);
    x0ThenAffine(sample, modelOutput, pred, prev, cS, cM, Infinity, 1 - r, r);
    if (noise !== undefined) addScaledNoise(prev, noise, sigmaUp);
    this.endStep();
    return { prevSample: prev, predOriginalSample: pred };
  }
}
