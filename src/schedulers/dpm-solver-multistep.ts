/**
 * DPM-Solver++ multistep (Lu et al. 2022, "DPM-Solver++", Algorithm 2 for order 2), data-prediction
 * form in λ = log(α/σ): x_t = (σ_t/σ_s) x_s - α_t (e^{-h} - 1) D, with D built from the last x̂0
 * estimates. Orders 1–3; the first steps and (by default) the last step use lower orders, as diffusers.
 * `dpmpp-2m-karras` is the same solver on Karras et al.'s σ schedule.
 */
import { alphaSigmaLambda, MultistepSchedulerBase } from './multistep-schedule.js';
import { dpmUpdate } from './kernels.js';
import { z } from 'zod';
import { ensureBuffer, latentValues, x0Coefficients } from './scheduler-base.js';
import type { SchedulerConfig } from './scheduler-config.js';
import type { SchedulerName, SchedulerStepInput, SchedulerStepOutput } from './scheduler.js';
import { parseState } from './scheduler-state.js';

export class DPMSolverMultistepScheduler extends MultistepSchedulerBase {
  readonly name: SchedulerName;
  /** x̂0 of the last steps, newest last; buffers are recycled oldest-first. */
  private history: Float32Array[] = [];
  private lowerOrderNums = 0;

  constructor(config: SchedulerConfig, name: 'dpmpp-2m' | 'dpmpp-2m-karras' = 'dpmpp-2m') {
    super(config);
    this.name = name;
  }

  protected override resetState(): void {
    this.lowerOrderNums = 0;
    this.history = [];
  }

  protected override saveExtra(): Record<string, unknown> {
    return { lowerOrderNums: this.lowerOrderNums, history: this.history.map((h) => Array.from(h)) };
  }

  protected override loadExtra(extra: Record<string, unknown>, runLength: number): void {
    const order = this.config.solverOrder;
    const schema = z
      .object({ lowerOrderNums: z.number().int().min(0).max(order), history: z.array(latentValues(runLength)).max(order) })
      .strict();
    const e = parseState(schema, extra, `${this.name}: scheduler state extra`);
    this.lowerOrderNums = e.lowerOrderNums;
    this.history = e.history.map((h) => Float32Array.from(h));
  }

  step(input: SchedulerStepInput): SchedulerStepOutput {
    const k = this.beginStep(input);
    const { modelOutput, sample } = input;
    const n = sample.length;
    const c = this.config;
    const len = this.timesteps.length;

    // 1. Which order this step can use (diffusers' warm-up and lower_order_final rules).
    const lowerOrderFinal =
      k === len - 1 && (c.eulerAtFinal || (c.lowerOrderFinal && len < 15) || c.finalSigmasType === 'zero');
    const lowerOrderSecond = k === len - 2 && c.lowerOrderFinal && len < 15;
    let order: number;
    if (c.solverOrder === 1 || this.lowerOrderNums < 1 || lowerOrderFinal) order = 1;
    else if (c.solverOrder === 2 || this.lowerOrderNums < 2 || lowerOrderSecond) order = 2;
    else order = 3;

    // 2. Noise levels: s0 = now, s1 and s2 = earlier steps, t = target.
    const s0 = alphaSigmaLambda(this.sigmas[k]);
    const tgt = alphaSigmaLambda(this.sigmas[k + 1]);
    const [cS, cM] = x0Coefficients(c.predictionType, s0.alpha, s0.sigma);

    // 3. x_t = A x + B0 m0 + B1 m1 + B2 m2, where m0 is this step's x̂0 and m1, m2 earlier ones.
    let A: number;
    let B0: number;
    let B1 = 0;
    let B2 = 0;
    if (this.sigmas[k + 1] === 0) {
      // σ_t = 0: λ_t = ∞ and the first-order update is exactly x̂0 (avoids ∞·0).
      A = 0;
      B0 = 1;
    } else {
      const h = tgt.lambda - s0.lambda;
      const phi = Math.expm1(-h); // e^{-h} - 1
      A = tgt.sigma / s0.sigma;
      B0 = -tgt.alpha * phi;
      if (order >= 2) {
        const s1 = alphaSigmaLambda(this.sigmas[k - 1]);
        const r0 = (s0.lambda - s1.lambda) / h;
        if (order === 2) {
          // D1 = (m0 - m1) / r0; midpoint: -½ α_t φ D1, heun: α_t (φ/h + 1) D1.
          const cD1 = c.solverType === 'heun' ? tgt.alpha * (phi / h + 1) : -0.5 * tgt.alpha * phi;
          B0 += cD1 / r0;
          B1 = -cD1 / r0;
        } else {
          const s2 = alphaSigmaLambda(this.sigmas[k - 2]);
          const r1 = (s1.lambda - s2.lambda) / h;
          const c1 = tgt.alpha * (phi / h + 1);
          const c2 = tgt.alpha * ((phi + h) / (h * h) - 0.5);
          // D1 = (1+q) D1_0 - q D1_1, D2 = p (D1_0 - D1_1), D1_0 = (m0-m1)/r0, D1_1 = (m1-m2)/r1.
          const q = r0 / (r0 + r1);
          const p = 1 / (r0 + r1);
          const a = c1 * (1 + q) - c2 * p;
          const b = -c1 * q + c2 * p;
          B0 += a / r0;
          B1 = -a / r0 + b / r1;
          B2 = -b / r1;
        }
      }
    }

    // 4. One pass: x̂0 into the recycled history slot, then the update.
    const keep = c.solverOrder;
    const slot = this.history.length >= keep ? this.history.shift()! : undefined;
    const m0 = ensureBuffer(slot, n);
    const m1 = order >= 2 ? this.history[this.history.length - 1] : m0;
    const m2 = order >= 3 ? this.history[this.history.length - 2] : m0;
    const { prev, pred } = this.outputBuffers(n);
    dpmUpdate(sample, modelOutput, pred, prev, m0, m1, m2, cS, cM, A, B0, B1, B2);
    this.history.push(m0);
    if (this.lowerOrderNums < c.solverOrder) this.lowerOrderNums++;
    this.endStep();
    return { prevSample: prev, predOriginalSample: pred };
  }
}
