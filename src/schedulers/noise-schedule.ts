/**
 * Noise-schedule math shared by the schedulers, in float64 (diffusers uses float32 tensors; values
 * agree to about 1e-6 relative, timesteps exactly). Arrays are indexed by training timestep t.
 */
import type { SchedulerConfig, TimestepSpacing } from './scheduler-config.js';

/** numpy's `round`: halves go to the even neighbour (Math.round would send 0.5 up). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** numpy's `linspace(start, stop, num)` with its exact arithmetic (i * step + start, last = stop). */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

/** β_t for t = 0..T-1 from `trained_betas` or `beta_schedule`, then the zero-SNR rescale if asked. */
export function makeBetas(config: SchedulerConfig): Float64Array {
  const T = config.numTrainTimesteps;
  let betas: Float64Array;
  if (config.trainedBetas !== null) {
    betas = Float64Array.from(config.trainedBetas);
  } else if (config.betaSchedule === 'linear') {
    betas = linspace(config.betaStart, config.betaEnd, T);
  } else if (config.betaSchedule === 'scaled_linear') {
    // Stable Diffusion's schedule: linear in sqrt(β).
    betas = linspace(Math.sqrt(config.betaStart), Math.sqrt(config.betaEnd), T).map((b) => b * b);
  } else {
    betas = cosineBetas(T);
  }
  return config.rescaleBetasZeroSnr ? rescaleZeroTerminalSnr(betas) : betas;
}

/** Nichol & Dhariwal 2021 cosine schedule (`squaredcos_cap_v2`): β_t = 1 - ᾱ(t+1)/ᾱ(t), capped at 0.999. */
export function cosineBetas(T: number, maxBeta = 0.999): Float64Array {
  const alphaBar = (t: number): number => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  const betas = new Float64Array(T);
  for (let i = 0; i < T; i++) betas[i] = Math.min(1 - alphaBar((i + 1) / T) / alphaBar(i / T), maxBeta);
  return betas;
}

/** Lin et al. 2023, Algorithm 1: shift/scale sqrt(ᾱ) so ᾱ_{T-1} = 0 while ᾱ_0 is kept. */
export function rescaleZeroTerminalSnr(betas: Float64Array): Float64Array {
  const ab = alphasCumprodOf(betas);
  const sqrtAb = ab.map(Math.sqrt);
  const first = sqrtAb[0];
  const last = sqrtAb[sqrtAb.length - 1];
  const scale = first / (first - last);
  const out = new Float64Array(betas.length);
  let prev = 1;
  for (let t = 0; t < betas.length; t++) {
    const abT = ((sqrtAb[t] - last) * scale) ** 2;
    out[t] = 1 - abT / prev;
    prev = abT;
  }
  return out;
}

/** ᾱ_t = Π_{s ≤ t} (1 - β_s). */
export function alphasCumprodOf(betas: Float64Array): Float64Array {
  const out = new Float64Array(betas.length);
  let p = 1;
  for (let t = 0; t < betas.length; t++) {
    p *= 1 - betas[t];
    out[t] = p;
  }
  return out;
}

/**
 * ᾱ for a scheduler that divides by sqrt(ᾱ) (sigma-space and DPM-type solvers): with zero terminal
 * SNR the last value becomes 2^-24 as in diffusers, so σ stays finite (4096).
 */
export function alphasCumprodForSigmas(config: SchedulerConfig): Float64Array {
  const ab = alphasCumprodOf(makeBetas(config));
  if (config.rescaleBetasZeroSnr) ab[ab.length - 1] = 2 ** -24;
  return ab;
}

/** σ_t = sqrt((1 - ᾱ_t) / ᾱ_t): the noise level of x_t / sqrt(ᾱ_t) (Karras et al. 2022 notation). */
export function sigmasFromAlphasCumprod(ab: Float64Array): Float64Array {
  return ab.map((a) => Math.sqrt((1 - a) / a));
}

/**
 * Inference timesteps (descending training indices) for DDPM, DDIM, LCM-like schedulers: diffusers'
 * three spacings. `trailing` always yields exactly n steps (numpy's float arange gives n + 1 for some n,
 * e.g. 61, ending at timestep -1; that is a diffusers bug we do not copy).
 */
export function spacedTimesteps(spacing: TimestepSpacing, T: number, n: number, stepsOffset: number): Float64Array {
  const out = new Float64Array(n);
  if (spacing === 'linspace') {
    const lin = linspace(0, T - 1, n);
    for (let i = 0; i < n; i++) out[i] = roundHalfEven(lin[n - 1 - i]);
  } else if (spacing === 'leading') {
    const ratio = Math.floor(T / n);
    for (let i = 0; i < n; i++) out[i] = (n - 1 - i) * ratio + stepsOffset;
  } else {
    const ratio = T / n;
    for (let i = 0; i < n; i++) out[i] = roundHalfEven(T - i * ratio) - 1;
  }
  return out;
}

/** numpy `interp` for increasing integer grid 0..len-1: value of `ys` at fractional index x. */
export function interpIndex(ys: Float64Array, x: number): number {
  if (x <= 0) return ys[0];
  const last = ys.length - 1;
  if (x >= last) return ys[last];
  const i = Math.floor(x);
  const w = x - i;
  return ys[i] + w * (ys[i + 1] - ys[i]);
}

/** Karras et al. 2022 (eq. 5): n noise levels evenly spaced in σ^(1/ρ) from σ_max down to σ_min. */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, n: number, rho = 7): Float64Array {
  const ramp = linspace(0, 1, n);
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  return ramp.map((r) => (maxInv + r * (minInv - maxInv)) ** rho);
}

/**
 * Fractional training timestep whose σ is `sigma`, interpolating log σ between neighbours (diffusers'
 * `_sigma_to_t`). `logSigmas` is log σ_t for t = 0..T-1 (increasing).
 */
export function sigmaToT(sigma: number, logSigmas: Float64Array): number {
  const logSigma = Math.log(Math.max(sigma, 1e-10));
  const T = logSigmas.length;
  let low = 0;
  for (let t = 0; t < T; t++) if (logSigma - logSigmas[t] >= 0) low = t;
  low = Math.min(low, T - 2);
  const high = low + 1;
  let w = (logSigmas[low] - logSigma) / (logSigmas[low] - logSigmas[high]);
  w = Math.min(1, Math.max(0, w));
  return (1 - w) * low + w * high;
}
