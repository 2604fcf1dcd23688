/**
 * Exact denoisers for data whose law is known in closed form, and a denoising loop shaped like the
 * pipeline's, for the analytic scheduler tests. Everything runs in DDPM space x_t = a x0 + b ε
 * (a = sqrt(ᾱ), b = sqrt(1 - ᾱ)), which is what every scheduler hands the model after scaleModelInput.
 */
import { createGenerator, type RandomGenerator } from '../../src/random/index.js';
import type { PredictionType } from '../../src/schedulers/scheduler-config.js';
import type { Scheduler } from '../../src/schedulers/scheduler.js';
import { alphasCumprodOf, interpIndex, makeBetas, sigmasFromAlphasCumprod } from '../../src/schedulers/noise-schedule.js';

/** Isotropic Gaussian components in `dim` dimensions; one component is a plain Gaussian. */
export interface Mixture {
  dim: number;
  weights: number[];
  means: number[][];
  stds: number[];
}

export const GAUSSIAN_1D: Mixture = { dim: 1, weights: [1], means: [[0.8]], stds: [0.6] };
export const MIXTURE_1D: Mixture = { dim: 1, weights: [0.3, 0.7], means: [[-1.5], [1.5]], stds: [0.5, 0.5] };
export const MIXTURE_2D: Mixture = {
  dim: 2,
  weights: [0.25, 0.75],
  means: [
    [-1.2, 0.8],
    [1.0, -0.6],
  ],
  stds: [0.45, 0.55],
};

/** Exact E[x0 | x_t] for `mix` at noise (a, b), written into `out` for `points` rows of `dim`. */
export function posteriorMean(mix: Mixture, x: Float32Array, a: number, b: number, out: Float64Array): void {
  const { dim, weights, means, stds } = mix;
  const K = weights.length;
  const logw = new Float64Array(K);
  const v = stds.map((s) => a * a * s * s + b * b);
  const gain = stds.map((s, k) => (a * s * s) / v[k]);
  for (let p = 0; p < x.length / dim; p++) {
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
      let d2 = 0;
      for (let j = 0; j < dim; j++) {
        const d = x[p * dim + j] - a * means[k][j];
        d2 += d * d;
      }
      logw[k] = Math.log(weights[k]) - 0.5 * dim * Math.log(v[k]) - d2 / (2 * v[k]);
      max = Math.max(max, logw[k]);
    }
    let total = 0;
    for (let k = 0; k < K; k++) total += (logw[k] = Math.exp(logw[k] - max));
    for (let j = 0; j < dim; j++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += (logw[k] / total) * (means[k][j] + gain[k] * (x[p * dim + j] - a * means[k][j]));
      out[p * dim + j] = acc;
    }
  }
}

/** Expresses an x0 estimate as the model output of `type` for input x at (a, b). */
export function asPrediction(type: PredictionType, x: Float32Array, x0: Float64Array, a: number, b: number, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const eps = (x[i] - a * x0[i]) / b;
    out[i] = type === 'epsilon' ? eps : type === 'v_prediction' ? a * eps - b * x0[i] : x0[i];
  }
}

/**
 * The consistency function of `mix` (probability-flow ODE solution at σ → 0) by RK4 in u = log σ on
 * x̃ = x/a, where dx̃/du = x̃ - D(x̃): an independent reference solver for the LCM test.
 */
export function flowToData(mix: Mixture, x: Float32Array, a: number, b: number, out: Float64Array): void {
  const n = x.length;
  if (mix.weights.length === 1) {
    // One Gaussian: the flow is affine, x0 = μ + s (x̃ - μ) / sqrt(s² + σ²) per coordinate.
    const s = mix.stds[0];
    const sigma = b / a;
    const gain = s / Math.sqrt(s * s + sigma * sigma);
    for (let i = 0; i < n; i++) {
      const mu = mix.means[0][i % mix.dim];
      out[i] = mu + gain * (x[i] / a - mu);
    }
    return;
  }
  let y = Float64Array.from(x, (v) => v / a);
  const sigma0 = b / a;
  const steps = 120;
  const u0 = Math.log(sigma0);
  const u1 = Math.log(1e-4);
  const du = (u1 - u0) / steps;
  const tmp = new Float32Array(n);
  const den = new Float64Array(n);
  const f = (yy: Float64Array, u: number): Float64Array => {
    const s = Math.exp(u);
    const aa = 1 / Math.sqrt(1 + s * s);
    for (let i = 0; i < n; i++) tmp[i] = yy[i] * aa;
    posteriorMean(mix, tmp, aa, s * aa, den);
    return yy.map((v, i) => v - den[i]);
  };
  for (let k = 0; k < steps; k++) {
    const u = u0 + k * du;
    const k1 = f(y, u);
    const k2 = f(y.map((v, i) => v + 0.5 * du * k1[i]), u + 0.5 * du);
    const k3 = f(y.map((v, i) => v + 0.5 * du * k2[i]), u + 0.5 * du);
    const k4 = f(y.map((v, i) => v + du * k3[i]), u + du);
    y = y.map((v, i) => v + (du / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
  }
  out.set(y);
}

/** Draws `points` samples of `mix` (component labels too) with a seeded generator. */
export function sampleMixture(mix: Mixture, points: number, seed: number): { x0: Float32Array; labels: Int32Array } {
  const g = createGenerator(seed);
  const x0 = new Float32Array(points * mix.dim);
  const labels = new Int32Array(points);
  for (let p = 0; p < points; p++) {
    let u = g.random();
    let k = 0;
    while (k < mix.weights.length - 1 && u >= mix.weights[k]) u -= mix.weights[k++];
    labels[p] = k;
    for (let j = 0; j < mix.dim; j++) x0[p * mix.dim + j] = mix.means[k][j] + mix.stds[k] * g.randn();
  }
  return { x0, labels };
}

export interface RunOptions {
  mix: Mixture;
  steps: number;
  points: number;
  seed: number;
  /** σ-space → DDPM-space convention for the model's timestep: ᾱ at (possibly fractional) t. */
  alphaCumprodAt: (t: number) => number;
  /** 'mmse' = exact posterior mean (a perfectly trained diffusion model); 'flow' = consistency function. */
  oracle?: 'mmse' | 'flow';
  /** Start from randn * initNoiseSigma instead of the exact marginal at the first timestep. */
  fromPrior?: boolean;
  generators?: RandomGenerator[];
}

/** Runs the pipeline's loop with an exact model; returns the final samples and where they started. */
export function runSampler(scheduler: Scheduler, opts: RunOptions): Float32Array {
  return runSamplerFull(scheduler, opts).final;
}

export function runSamplerFull(scheduler: Scheduler, opts: RunOptions): { final: Float32Array; start: Float32Array } {
  const { mix, steps, points, seed } = opts;
  scheduler.setTimesteps(steps);
  const n = points * mix.dim;
  const noise = createGenerator(seed + 1).fillNormal(new Float32Array(n));
  let x: Float32Array;
  if (opts.fromPrior) {
    x = noise.map((v) => v * scheduler.initNoiseSigma);
  } else {
    const { x0 } = sampleMixture(mix, points, seed);
    x = scheduler.addNoise(x0, noise, scheduler.timesteps[0]);
  }
  const start = Float32Array.from(x);
  const generator = opts.generators ?? createGenerator(seed + 2);
  const den = new Float64Array(n);
  const out = new Float32Array(n);
  for (const t of scheduler.timesteps) {
    const xin = scheduler.scaleModelInput(x, t);
    const ab = opts.alphaCumprodAt(t);
    const a = Math.sqrt(ab);
    const b = Math.sqrt(1 - ab);
    if (opts.oracle === 'flow') flowToData(opts.mix, xin, a, b, den);
    else posteriorMean(mix, xin, a, b, den);
    asPrediction(scheduler.config.predictionType, xin, den, a, b, out);
    x = scheduler.step({ modelOutput: out, timestep: t, sample: x, generator }).prevSample;
  }
  return { final: Float32Array.from(x), start };
}

export interface Stats {
  mean: number[];
  variance: number[];
  /** Fraction of points nearest (in Mahalanobis-free Euclidean terms) to each component mean. */
  weights: number[];
}

export function statsOf(mix: Mixture, x: Float32Array): Stats {
  const { dim } = mix;
  const points = x.length / dim;
  const mean = new Array<number>(dim).fill(0);
  const sq = new Array<number>(dim).fill(0);
  const counts = new Array<number>(mix.weights.length).fill(0);
  for (let p = 0; p < points; p++) {
    let best = 0;
    let bestD = Infinity;
    for (let k = 0; k < mix.weights.length; k++) {
      let d2 = 0;
      for (let j = 0; j < dim; j++) d2 += (x[p * dim + j] - mix.means[k][j]) ** 2;
      if (d2 < bestD) [best, bestD] = [k, d2];
    }
    counts[best]++;
    for (let j = 0; j < dim; j++) {
      mean[j] += x[p * dim + j];
      sq[j] += x[p * dim + j] ** 2;
    }
  }
  return {
    mean: mean.map((m) => m / points),
    variance: sq.map((s, j) => s / points - (mean[j] / points) ** 2),
    weights: counts.map((c) => c / points),
  };
}

/** The true mean and variance per dimension, and component weights as `statsOf` would see them. */
export function truthOf(mix: Mixture): { mean: number[]; variance: number[] } {
  const mean = new Array<number>(mix.dim).fill(0);
  const second = new Array<number>(mix.dim).fill(0);
  mix.weights.forEach((w, k) => {
    for (let j = 0; j < mix.dim; j++) {
      mean[j] += w * mix.means[k][j];
      second[j] += w * (mix.means[k][j] ** 2 + mix.stds[k] ** 2);
    }
  });
  return { mean, variance: second.map((s, j) => s - mean[j] ** 2) };
}

/**
 * ᾱ the exact model assumes for timestep t: ᾱ_t at integer t; between integers σ is interpolated
 * linearly (diffusers' np.interp for Euler/Heun) or in log σ (its `_sigma_to_t` for Karras schedules).
 */
export function alphaCumprodFn(scheduler: Scheduler): (t: number) => number {
  const ab = alphasCumprodOf(makeBetas(scheduler.config));
  const sigmas = sigmasFromAlphasCumprod(ab);
  const logSigmas = sigmas.map(Math.log);
  return (t: number) => {
    if (Number.isInteger(t)) return ab[t];
    const sigma = scheduler.config.useKarrasSigmas ? Math.exp(interpIndex(logSigmas, t)) : interpIndex(sigmas, t);
    return 1 / (1 + sigma * sigma);
  };
}

/** Where the exact probability-flow ODE takes each starting point (the ideal deterministic sampler). */
export function exactEndpoints(scheduler: Scheduler, mix: Mixture, steps: number, start: Float32Array): Float64Array {
  scheduler.setTimesteps(steps);
  const t0 = scheduler.timesteps[0];
  const xin = Float32Array.from(scheduler.scaleModelInput(start, t0));
  const ab = alphaCumprodFn(scheduler)(t0);
  const out = new Float64Array(start.length);
  flowToData(mix, xin, Math.sqrt(ab), Math.sqrt(1 - ab), out);
  scheduler.setTimesteps(steps);
  return out;
}
