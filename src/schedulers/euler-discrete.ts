/**
 * Euler method on the probability-flow ODE in σ-space (Karras et al. 2022, Algorithm 1 without churn):
 * dx/dσ = (x - x̂0) / σ, one model call per step.
 */
import { SigmaSchedulerBase } from './sigma-schedule.js';
import { x0ThenAffine } from './kernels.js';
import { x0Coefficients } from './scheduler-base.js';
import type { SchedulerStepInput, SchedulerStepOutput } from './scheduler.js';

export class EulerDiscreteScheduler extends SigmaSchedulerBase {
  readonly name = 'euler' as const;

  step(input: SchedulerStepInput): SchedulerStepOutput {
    const k = this.beginStep(input);
    const { modelOutput, sample } = input;
    const n = sample.length;
    const sigma = this.sigmas[k];
    const sigmaNext = this.sigmas[k + 1];
    // 1. x̂0: the model saw x̃ / sqrt(σ² + 1) = α x̃, so the α-space coefficients apply with cS · α.
    const alpha = 1 / Math.sqrt(sigma * sigma + 1);
    const [cS0, cM] = x0Coefficients(this.config.predictionType, alpha, sigma * alpha);
    const cS = cS0 * alpha;
    // 2. Euler step x + (x - x̂0)/σ · (σ' - σ) = r x + (1 - r) x̂0 with r = σ'/σ.
    const r = sigmaNext / sigma;
    const { prev, pred } = this.outputBuffers(n);
    x0ThenAffine(sample, modelOutput, pred, prev, cS, cM, Infinity, 1 - r, r);
    this.endStep();
    return { prevSample: prev, predOriginalSample: pred };
  }
}
