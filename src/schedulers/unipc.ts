/**
 * UniPC (Zhao et al. 2023): a multistep predictor (UniP) and, after each model call, a corrector (UniC)
 * that refines the previous prediction with the new model output at no extra model cost. B(h) variants
 * bh1 (B = h) and bh2 (B = e^h - 1); data prediction (predict_x0) by default. Orders 1–3.
 */
import { alphaSigmaLambda, MultistepSchedulerBase } from './multistep-schedule.js';
import { unipcUpdate } from './kernels.js';
import { z } from 'zod';
import { ensureBuffer, epsilonCoefficients, latentValues, x0Coefficients } from './scheduler-base.js';
import type { SchedulerStepInput, SchedulerStepOutput } from './scheduler.js';
import { parseState } from './scheduler-state.js';

/** Solves the small system M x = y (Gaussian elimination with partial pivoting, n ≤ 3). */
function solve(M: number[][], y: number[]): number[] {
  const n = y.length;
  const a = M.map((row, i) => [...row.slice(0, n), y[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = c + 1; r < n; r++) {
      const f = a[r][c] / a[c][c];
      for (let j = c; j <= n; j++) a[r][j] -= f * a[c][j];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let acc = a[r][n];
    for (let j = r + 1; j < n; j++) acc -= a[r][j] * x[j];
    x[r] = acc / a[r][r];
  }
  return x;
}

interface Update {
  /** Coefficient of the sample the update starts from. */
  x: number;
  /** Coefficient of m0 (the converted output at the start level). */
  m0: number;
  /** Coefficients of the older outputs m_1, m_2, … */
  older: number[];
  /** Corrector only: coefficient of the new output at the target level. */
  mNew: number;
}

export class UniPCMultistepScheduler extends MultistepSchedulerBase {
  readonly name = 'unipc' as const;
  /** Converted model outputs (x̂0, or ε̂ when predict_x0 is false), newest last, at most solver_order. */
  private history: Float32Array[] = [];
  /** Step index each history entry was made at (to find its λ). */
  private historyIndex: number[] = [];
  private spare: Float32Array | undefined;
  private lastSample: Float32Array | undefined;
  private hasLastSample = false;
  private lowerOrderNums = 0;
  private thisOrder = 1;

  protected override resetState(): void {
    this.history = [];
    this.historyIndex = [];
    this.hasLastSample = false;
    this.lowerOrderNums = 0;
    this.thisOrder = 1;
  }

  protected override saveExtra(): Record<string, unknown> {
    return {
      history: this.history.map((h) => Array.from(h)),
      historyIndex: [...this.historyIndex],
      lastSample: this.hasLastSample ? Array.from(this.lastSample!) : null,
      lowerOrderNums: this.lowerOrderNums,
      thisOrder: this.thisOrder,
    };
  }

  protected override loadExtra(extra: Record<string, unknown>, runLength: number): void {
    const order = this.config.solverOrder;
    const steps = this.timesteps.length;
    const schema = z
      .object({
        history: z.array(latentValues(runLength)).max(order),
        historyIndex: z.array(z.number().int().min(0).max(steps - 1)).max(order),
        lastSample: latentValues(runLength).nullable(),
        lowerOrderNums: z.number().int().min(0).max(order),
        thisOrder: z.number().int().min(1).max(order),
      })
      .strict()
      .refine((e) => e.history.length === e.historyIndex.length, 'history and historyIndex have the same length');
    const e = parseState(schema, extra, 'unipc: scheduler state extra');
    this.history = e.history.map((h) => Float32Array.from(h));
    this.historyIndex = e.historyIndex;
    this.hasLastSample = e.lastSample !== null;
    this.lastSample = e.lastSample === null ? undefined : Float32Array.from(e.lastSample);
    this.lowerOrderNums = e.lowerOrderNums;
    this.thisOrder = e.thisOrder;
  }

  private get bh2(): boolean {
    // diffusers maps DPM-Solver's solver types (midpoint, heun, logrho) to bh2.
    return this.config.solverType !== 'bh1';
  }

  /**
   * Coefficients of the UniP/UniC update from level index `from` to `to` of order `order`:
   * m0 sits at `from`, the older outputs at `olderIdx`. `corrector` adds the new-output term.
   */
  private update(from: number, to: number, olderIdx: number[], order: number, corrector: boolean): Update {
    const predictX0 = this.config.predictX0;
    const s0 = alphaSigmaLambda(this.sigmas[from]);
    if (this.sigmas[to] === 0 && !predictX0) {
      // Into σ = 0 the first-order update is exactly x̂0 = (x - σ_s ε̂)/α_s (the general form is 0·∞).
      return { x: 1 / s0.alpha, m0: -s0.sigma / s0.alpha, older: [], mNew: 0 };
    }
    const t = alphaSigmaLambda(this.sigmas[to]);
    const h = t.lambda - s0.lambda;
    const hh = predictX0 ? -h : h;
    const hPhi1 = Math.expm1(hh);
    const Bh = this.bh2 ? Math.expm1(hh) : hh;
    // 1. r_k = (λ_k - λ_s0)/h for the older points, then 1 for the new point.
    const rks = olderIdx.slice(0, order - 1).map((i) => (alphaSigmaLambda(this.sigmas[i]).lambda - s0.lambda) / h);
    rks.push(1);
    // 2. R_{ij} = r_j^i and b_i = φ_{i+1}(hh) i! / B(h) (the UniPC order conditions).
    const R: number[][] = [];
    const b: number[] = [];
    let hPhiK = hPhi1 / hh - 1;
    let factorial = 1;
    for (let i = 1; i <= order; i++) {
      R.push(rks.map((r) => r ** (i - 1)));
      b.push((hPhiK * factorial) / Bh);
      factorial *= i + 1;
      hPhiK = hPhiK / hh - 1 / factorial;
    }
    // 3. ρ: fixed ½ for the lowest orders (as diffusers), else solve the order conditions.
    let rhos: number[];
    if (corrector) rhos = order === 1 ? [0.5] : solve(R, b);
    else rhos = order === 1 ? [] : order === 2 ? [0.5] : solve(R.slice(0, -1), b.slice(0, -1));

    // 4. Expand x' = A x - c h_φ1 m0 - c B_h (Σ ρ_i (m_i - m0)/r_i [+ ρ_last (m_new - m0)]).
    const A = predictX0 ? t.sigma / s0.sigma : t.alpha / s0.alpha;
    const c = predictX0 ? t.alpha : t.sigma;
    const older: number[] = [];
    let m0 = -c * hPhi1;
    for (let i = 0; i < rks.length - 1; i++) {
      const w = (-c * Bh * rhos[i]) / rks[i];
      older.push(w);
      m0 -= w;
    }
    let mNew = 0;
    if (corrector) {
      mNew = -c * Bh * rhos[order - 1];
      m0 -= mNew;
    }
    return { x: A, m0, older, mNew };
  }

  step(input: SchedulerStepInput): SchedulerStepOutput {
    const k = this.beginStep(input);
    const { modelOutput, sample } = input;
    const n = sample.length;
    const c = this.config;
    const len = this.timesteps.length;

    const s = alphaSigmaLambda(this.sigmas[k]);
    const [xS, xM] = x0Coefficients(c.predictionType, s.alpha, s.sigma);
    const [vS, vM] = c.predictX0 ? [xS, xM] : epsilonCoefficients(c.predictionType, s.alpha, s.sigma);

    // 1. Corrector for the sample the previous step predicted (UniC), with that step's order.
    const useCorrector = k > 0 && this.hasLastSample && !c.disableCorrector.includes(k - 1);
    const newestFirst = [...this.history].reverse();
    const newestIdx = [...this.historyIndex].reverse();
    let corr: Update | undefined;
    if (useCorrector) corr = this.update(k - 1, k, newestIdx.slice(1), this.thisOrder, true);

    // 2. This step's order (warm-up, lower_order_final, and never above first order into σ = 0).
    let order = c.lowerOrderFinal ? Math.min(c.solverOrder, len - k) : c.solverOrder;
    order = Math.min(order, this.lowerOrderNums + 1);
    if (this.sigmas[k + 1] === 0) order = 1;
    this.thisOrder = order;
    // Predictor (UniP) from level k to k + 1; m0 is this step's output, older ones are the history.
    const pred0 = this.update(k, k + 1, [k, ...newestIdx].slice(1), order, false);

    // 3. One pass: convert, correct the incoming sample, keep it, predict.
    const fresh = (this.spare = ensureBuffer(this.spare, n));
    const last = (this.lastSample = ensureBuffer(this.lastSample, n));
    const H1 = newestFirst[0] ?? sample;
    const H2 = newestFirst[1] ?? sample;
    const H3 = newestFirst[2] ?? sample;
    const cL = corr?.x ?? 0;
    const cNew = corr?.mNew ?? 0;
    const cH1 = corr?.m0 ?? 0;
    const cH2 = corr?.older[0] ?? 0;
    const cH3 = corr?.older[1] ?? 0;
    const pX = pred0.x;
    const pNew = pred0.m0;
    const pH1 = pred0.older[0] ?? 0;
    const pH2 = pred0.older[1] ?? 0;
    const { prev, pred } = this.outputBuffers(n);
    unipcUpdate(sample, modelOutput, pred, prev, fresh, last, H1, H2, H3, vS, vM, xS, xM, useCorrector, cL, cNew, cH1, cH2, cH3, pX, pNew, pH1, pH2);
    this.hasLastSample = true;

    // 4. History bookkeeping: the fresh buffer joins, the oldest beyond solver_order is recycled.
    this.history.push(fresh);
    this.historyIndex.push(k);
    this.spare = undefined;
    if (this.history.length > c.solverOrder) {
      this.spare = this.history.shift();
      this.historyIndex.shift();
    }
    if (this.lowerOrderNums < c.solverOrder) this.lowerOrderNums++;
    this.endStep();
    return { prevSample: prev, predOriginalSample: pred };
  }
}
