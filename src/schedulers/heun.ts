/**
 * Heun's method (Karras et al. 2022, Algorithm 1): an Euler predictor to σ', then a corrector that
 * averages the slopes at σ and σ'. Two model calls per step, so `timesteps` repeats every inner
 * timestep (t0, t1, t1, t2, t2, …) as in diffusers; the last step (to σ = 0) is plain Euler.
 */
import { SigmaSchedulerBase, sigmaSchedule } from './sigma-schedule.js';
import { heunCorrect, heunPredict } from './kernels.js';
import { z } from 'zod';
import { ensureBuffer, latentValues, x0Coefficients } from './scheduler-base.js';
import type { SchedulerStepInput, SchedulerStepOutput } from './scheduler.js';
import { parseState } from './scheduler-state.js';

export class HeunDiscreteScheduler extends SigmaSchedulerBase {
  readonly name = 'heun' as const;
  override readonly order = 2;
  /** x at the start of the current step and its slope, kept between the two stages. */
  private startSample: Float32Array | undefined;
  private startSlope: Float32Array | undefined;
  private inSecondStage = false;

  protected override computeTimesteps(n: number): void {
    const base = sigmaSchedule({ ...this.config, finalSigmasType: 'zero' }, this.trainSigmas, n);
    const timesteps = new Float64Array(2 * n - 1);
    const sigmas = new Float64Array(2 * n);
    timesteps[0] = base.timesteps[0];
    sigmas[0] = base.sigmas[0];
    for (let i = 1; i < n; i++) {
      timesteps[2 * i - 1] = timesteps[2 * i] = base.timesteps[i];
      sigmas[2 * i - 1] = sigmas[2 * i] = base.sigmas[i];
    }
    sigmas[2 * n - 1] = 0;
    this.timesteps = timesteps;
    this.sigmas = sigmas;
    this.updateInitNoiseSigma();
  }

  protected override resetState(): void {
    this.inSecondStage = false;
  }

  /** Between its two stages Heun holds the step's start and slope; between steps, nothing. */
  protected override saveExtra(): Record<string, unknown> {
    if (!this.inSecondStage) return { inSecondStage: false };
    return { inSecondStage: true, startSample: Array.from(this.startSample!), startSlope: Array.from(this.startSlope!) };
  }

  protected override loadExtra(extra: Record<string, unknown>, runLength: number): void {
    const values = latentValues(runLength);
    const schema = z.discriminatedUnion('inSecondStage', [
      z.object({ inSecondStage: z.literal(false) }).strict(),
      z.object({ inSecondStage: z.literal(true), startSample: values, startSlope: values }).strict(),
    ]);
    const e = parseState(schema, extra, 'heun: scheduler state extra');
    this.inSecondStage = e.inSecondStage;
    if (e.inSecondStage) {
      this.startSample = Float32Array.from(e.startSample);
      this.startSlope = Float32Array.from(e.startSlope);
    }
  }

  step(input: SchedulerStepInput): SchedulerStepOutput {
    const k = this.beginStep(input);
    const { modelOutput, sample } = input;
    const n = sample.length;
    // In stage 1 index k holds σ; in stage 2 index k holds σ' and k - 1 holds σ.
    const second = this.inSecondStage;
    const sigma = second ? this.sigmas[k - 1] : this.sigmas[k];
    const sigmaNext = second ? this.sigmas[k] : this.sigmas[k + 1];
    const sigmaEval = second ? sigmaNext : sigma; // noise level of the sample the model just saw
    const alpha = 1 / Math.sqrt(sigmaEval * sigmaEval + 1);
    const [cS0, cM] = x0Coefficients(this.config.predictionType, alpha, sigmaEval * alpha);
    const cS = cS0 * alpha;
    const range = this.config.clipSample ? this.config.clipSampleRange : Infinity;
    const dt = sigmaNext - sigma;
    const { prev, pred } = this.outputBuffers(n);

    if (!second) {
      // 1. Euler predictor; keep x and its slope d = (x - x̂0)/σ for the corrector.
      const start = (this.startSample = ensureBuffer(this.startSample, n));
      const slope = (this.startSlope = ensureBuffer(this.startSlope, n));
      heunPredict(sample, modelOutput, pred, prev, start, slope, cS, cM, range, 1 / sigma, dt);
      // The step to σ = 0 has no corrector (its slope would divide by zero).
      this.inSecondStage = sigmaNext > 0;
    } else {
      // 2. Corrector: x_start + (d + d')/2 · dt with d' the slope at the predicted point.
      heunCorrect(sample, modelOutput, pred, prev, this.startSample!, this.startSlope!, cS, cM, range, 1 / sigmaNext, dt);
      this.inSecondStage = false;
    }
    this.endStep();
    return { prevSample: prev, predOriginalSample: pred };
  }
}
