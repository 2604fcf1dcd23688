/**
 * DDPM ancestral sampling (Ho et al. 2020, eq. 6–7): sample the posterior q(x_{t'} | x_t, x̂0) with x̂0
 * from the model, where t' is the next entry of `timesteps` (so fewer steps than training is allowed).
 */
import { alphasCumprodOf, makeBetas } from './noise-schedule.js';
import { addScaledNoise, x0ThenAffine } from './kernels.js';
import { DiscreteSchedulerBase, x0Coefficients } from './scheduler-base.js';
import type { SchedulerConfig } from './scheduler-config.js';
import type { SchedulerStepInput, SchedulerStepOutput } from './scheduler.js';

/** Checks a spaced schedule lies in 0..T-1 (steps_offset can push `leading` past the end). */
export class DDPMScheduler extends DiscreteSchedulerBase {
  readonly name = 'ddpm' as const;

  constructor(config: SchedulerConfig) {
    super(config, alphasCumprodOf(makeBetas(config)));
  }

  step(input: SchedulerStepInput): SchedulerStepOutput {
    const k = this.beginStep(input);
    const { modelOutput, sample } = input;
    const n = sample.length;
    const t = this.timesteps[k];
    const prevT = k + 1 < this.timesteps.length ? this.timesteps[k + 1] : -1;

    // 1. ᾱ and β at t and the next timestep t'.
    const abT = this.alphasCumprod[t];
    const abPrev = this.alphaCumprodAt(prevT, 1);
    const betaProdT = 1 - abT;
    const betaProdPrev = 1 - abPrev;
    const alphaT = abT / abPrev; // α over the (possibly skipped) interval t' → t
    const betaT = 1 - alphaT;

    // 2. x̂0 from the model output.
    const [cS, cM] = x0Coefficients(this.config.predictionType, Math.sqrt(abT), Math.sqrt(betaProdT));
    const range = this.config.clipSample ? this.config.clipSampleRange : Infinity;

    // 3. Posterior mean μ̃ = c0 x̂0 + cx x_t (eq. 7).
    const c0 = (Math.sqrt(abPrev) * betaT) / betaProdT;
    const cx = (Math.sqrt(alphaT) * betaProdPrev) / betaProdT;

    // 4. Posterior standard deviation: β̃ (fixed_small) or β (fixed_large); none at t = 0.
    let std = 0;
    if (t > 0) {
      const large = this.config.varianceType === 'fixed_large' || this.config.varianceType === 'fixed_large_log';
      std = Math.sqrt(large ? betaT : Math.max((betaProdPrev / betaProdT) * betaT, 1e-20));
    }
    const noise = std > 0 ? this.drawNoise(n, input) : undefined;

    const { prev, pred } = this.outputBuffers(n);
    x0ThenAffine(sample, modelOutput, pred, prev, cS, cM, range, c0, cx);
    if (noise !== undefined) addScaledNoise(prev, noise, std);
    this.endStep();
    return { prevSample: prev, predOriginalSample: pred };
  }
}
