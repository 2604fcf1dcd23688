/**
 * Samplers against distributions whose denoiser is known exactly (see analytic.ts). With a perfect
 * model the only errors left are the sampler's: discretization, and Monte-Carlo noise of N points.
 * Standard errors used below: SE(mean) = sd/√N; SE(var)/var = √((κ - 1)/N) (κ = kurtosis, 3 for a
 * Gaussian, ≤ 3 for our well-separated mixtures); SE(weight) = √(w(1-w)/N). "4 SE" bounds fail by chance
 * with probability < 1e-4 per check, and all draws are seeded, so the suite is deterministic anyway.
 */
import { describe, expect, it } from 'vitest';
import { createGenerator } from '../../src/random/index.js';
import { createScheduler, type SchedulerName } from '../../src/schedulers/index.js';
import { alphasCumprodOf, makeBetas, sigmasFromAlphasCumprod } from '../../src/schedulers/noise-schedule.js';
import {
  alphaCumprodFn,
  exactEndpoints,
  GAUSSIAN_1D,
  MIXTURE_1D,
  MIXTURE_2D,
  runSamplerFull,
  statsOf,
  truthOf,
  type Mixture,
} from './analytic.js';

const SD = { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, steps_offset: 1, set_alpha_to_one: false, clip_sample: false };
const N = 4000; // values per run: 4000 points in 1-D, 2000 in 2-D
const MIXTURES: Array<[string, Mixture]> = [
  ['gaussian 1-D', GAUSSIAN_1D],
  ['mixture 1-D', MIXTURE_1D],
  ['mixture 2-D', MIXTURE_2D],
];

function run(name: SchedulerName, mix: Mixture, steps: number, config: Record<string, unknown> = {}, oracle: 'mmse' | 'flow' = 'mmse') {
  const s = createScheduler(name, { ...SD, ...config });
  const points = N / mix.dim;
  const { final, start } = runSamplerFull(s, { mix, steps, points, seed: 11, alphaCumprodAt: alphaCumprodFn(s), oracle });
  return { s, final, start, points };
}

/** RMS distance to the exact ODE endpoints of the same starting points, in units of the data's sd. */
function relativeRmsError(name: SchedulerName, mix: Mixture, steps: number): { err: number; final: Float32Array; exact: Float64Array } {
  const { s, final, start } = run(name, mix, steps);
  const exact = exactEndpoints(s, mix, steps, start);
  let se = 0;
  for (let i = 0; i < final.length; i++) se += (final[i] - exact[i]) ** 2;
  return { err: Math.sqrt(se / final.length / truthOf(mix).variance[0]), final, exact };
}

function expectStatsNearTruth(mix: Mixture, x: Float32Array, allowance: { mean?: number; variance?: number; weight?: number }) {
  const points = x.length / mix.dim;
  const got = statsOf(mix, x);
  const truth = truthOf(mix);
  for (let j = 0; j < mix.dim; j++) {
    const sd = Math.sqrt(truth.variance[j]);
    expect(Math.abs(got.mean[j] - truth.mean[j])).toBeLessThan(4 * (sd / Math.sqrt(points)) + (allowance.mean ?? 0) * sd);
    expect(Math.abs(got.variance[j] / truth.variance[j] - 1)).toBeLessThan(4 * Math.sqrt(2 / points) + (allowance.variance ?? 0));
  }
  mix.weights.forEach((w, k) => {
    // Nearest-mean assignment misplaces < 0.5% of true draws for these separations (2.6–6 sd apart).
    expect(Math.abs(got.weights[k] - w)).toBeLessThan(4 * Math.sqrt((w * (1 - w)) / points) + 0.005 + (allowance.weight ?? 0));
  });
}

/**
 * Deterministic samplers at 10/25/50 steps: error bound against the exact flow at each count.
 * First-order methods (DDIM, Euler) have global error ∝ 1/steps. DPM-Solver++ and UniPC at linspace
 * spacing are second order but stop at t = 1000/(n+1) and return E[x0 | x_t] there, which shrinks
 * spread by σ_t²/(s² + σ_t²) (≈ 3% at 50 steps), so their error also ~1/steps. Heun and the Karras
 * schedule end at σ_min = 0.029 and converge at second order.
 */
const DETERMINISTIC: Array<[SchedulerName, [number, number, number]]> = [
  ['ddim', [0.25, 0.11, 0.06]],
  ['euler', [0.28, 0.12, 0.065]],
  ['heun', [0.06, 0.008, 0.002]],
  ['dpmpp-2m', [0.2, 0.07, 0.035]],
  ['dpmpp-2m-karras', [0.08, 0.012, 0.002]],
  ['unipc', [0.2, 0.07, 0.035]],
];

describe.each(DETERMINISTIC)('%s with the exact denoiser', (name, bounds) => {
  it.each(MIXTURES)('follows the probability-flow ODE of a %s and converges as steps grow', (_, mix) => {
    const errors = [10, 25, 50].map((steps) => relativeRmsError(name, mix, steps));
    errors.forEach(({ err }, i) => expect(err).toBeLessThan(bounds[i]));
    expect(errors[1].err).toBeLessThan(errors[0].err);
    expect(errors[2].err).toBeLessThan(errors[1].err);
    // At 50 steps the sample statistics match the truth (variance: the shrink is ≤ 2·error).
    expectStatsNearTruth(mix, errors[2].final, { variance: 2 * bounds[2], mean: bounds[2] });
    // Mode weights equal those of the exact endpoints, point for point nearly.
    const got = statsOf(mix, errors[2].final).weights;
    const ideal = statsOf(mix, Float32Array.from(errors[2].exact)).weights;
    got.forEach((w, k) => expect(Math.abs(w - ideal[k])).toBeLessThan(0.01));
  });
});

describe('prediction types', () => {
  it.each(['ddpm', 'ddim', 'euler', 'euler-ancestral', 'heun', 'dpmpp-2m', 'dpmpp-2m-karras', 'unipc', 'lcm'] as const)(
    '%s gives the same samples from an exact epsilon, v or x0 model',
    (name) => {
      const base = run(name, GAUSSIAN_1D, 10, { prediction_type: 'epsilon' }).final;
      for (const prediction_type of ['v_prediction', 'sample']) {
        const other = run(name, GAUSSIAN_1D, 10, { prediction_type }).final;
        // Same trajectory up to float32 rounding of the model outputs.
        let maxDiff = 0;
        for (let i = 0; i < base.length; i++) maxDiff = Math.max(maxDiff, Math.abs(other[i] - base[i]));
        expect(maxDiff).toBeLessThan(2e-3);
      }
    },
  );
});

/**
 * Ancestral samplers on a Gaussian are linear-Gaussian recursions, so the exact law of their output
 * follows from the update alone (derived here from the papers' formulas, not from the code):
 * DDPM (Ho et al. eq. 7) x' = c0 x̂0 + cx x + β̃^½ z; Euler ancestral x' = r x + (1 - r) x̂0 + σ_up z,
 * with x̂0 = μ + g (x - aμ) affine in x. The sample mean/variance must match that law within 4 SE,
 * and the law itself approaches the data as steps grow (DDPM with fixed_small variance under-disperses
 * at few steps because it ignores Var[x0 | x_t]; that is the algorithm, not an implementation error).
 */
describe('ancestral samplers match their exact Gaussian law', () => {
  const mix = GAUSSIAN_1D;
  const mu = mix.means[0][0];
  const s2 = mix.stds[0] ** 2;
  const abOf = (() => {
    const ab = alphasCumprodOf(makeBetas(createScheduler('ddpm', SD).config));
    return (t: number) => (t < 0 ? 1 : ab[t]);
  })();

  function ddpmLaw(steps: number): { mean: number; variance: number } {
    const s = createScheduler('ddpm', SD);
    s.setTimesteps(steps);
    const ts = Array.from(s.timesteps);
    let a = Math.sqrt(abOf(ts[0]));
    let m = a * mu;
    let v = a * a * s2 + (1 - a * a);
    ts.forEach((t, i) => {
      const ab = abOf(t);
      const abPrev = abOf(i + 1 < ts.length ? ts[i + 1] : -1);
      a = Math.sqrt(ab);
      const g = (a * s2) / (ab * s2 + 1 - ab);
      const beta = 1 - ab / abPrev;
      const c0 = (Math.sqrt(abPrev) * beta) / (1 - ab);
      const cx = (Math.sqrt(1 - beta) * (1 - abPrev)) / (1 - ab);
      const slope = c0 * g + cx;
      m = slope * m + c0 * mu * (1 - g * a);
      v = slope * slope * v + (t > 0 ? ((1 - abPrev) / (1 - ab)) * beta : 0);
    });
    return { mean: m, variance: v };
  }

  function eulerAncestralLaw(steps: number): { mean: number; variance: number } {
    const s = createScheduler('euler-ancestral', SD) as unknown as { sigmas: Float64Array; setTimesteps(n: number): void };
    s.setTimesteps(steps);
    const sig = Array.from(s.sigmas);
    let m = mu;
    let v = s2 + sig[0] ** 2;
    for (let i = 0; i + 1 < sig.length; i++) {
      const [from, to] = [sig[i], sig[i + 1]];
      const up2 = (to * to * (from * from - to * to)) / (from * from);
      const r = Math.sqrt(to * to - up2) / from;
      const g = s2 / (s2 + from * from); // x̂0 = μ + g (x̃ - μ) in σ-space
      const slope = r + (1 - r) * g;
      m = slope * m + (1 - slope) * mu;
      v = slope * slope * v + up2;
    }
    return { mean: m, variance: v };
  }

  it.each([10, 25, 50])('DDPM at %i steps', (steps) => {
    const law = ddpmLaw(steps);
    const x = run('ddpm', mix, steps).final;
    const got = statsOf(mix, x);
    expect(Math.abs(got.mean[0] - law.mean)).toBeLessThan(4 * Math.sqrt(law.variance / N));
    expect(Math.abs(got.variance[0] / law.variance - 1)).toBeLessThan(4 * Math.sqrt(2 / N));
  });

  it.each([10, 25, 50])('Euler ancestral at %i steps', (steps) => {
    const law = eulerAncestralLaw(steps);
    const x = run('euler-ancestral', mix, steps).final;
    const got = statsOf(mix, x);
    expect(Math.abs(got.mean[0] - law.mean)).toBeLessThan(4 * Math.sqrt(law.variance / N));
    expect(Math.abs(got.variance[0] / law.variance - 1)).toBeLessThan(4 * Math.sqrt(2 / N));
  });

  it('their laws approach the data as steps grow, and DDPM at 500 steps samples a mixture', () => {
    const gaps = [10, 50, 250].map((n) => Math.abs(ddpmLaw(n).variance / s2 - 1));
    expect(gaps[1]).toBeLessThan(gaps[0]);
    expect(gaps[2]).toBeLessThan(0.05);
    expect(Math.abs(eulerAncestralLaw(250).variance / s2 - 1)).toBeLessThan(0.05);
    expectStatsNearTruth(MIXTURE_1D, run('ddpm', MIXTURE_1D, 500, { timestep_spacing: 'trailing' }).final, { variance: 0.03 });
  });

  it('DDIM with η = 1 is DDPM-like: its samples also follow the DDPM law at many steps', () => {
    const law = ddpmLaw(250);
    const x = run('ddim', mix, 250, { eta: 1 }).final;
    expect(Math.abs(statsOf(mix, x).variance[0] / law.variance - 1)).toBeLessThan(4 * Math.sqrt(2 / N) + 0.02);
  });
});

/**
 * LCM with a perfect consistency model (the ODE's endpoint, computed in the test by RK4, or in closed
 * form for a Gaussian). Every step then returns a draw from the data, so already 4 steps match the
 * truth; the 0.02 allowance covers c_skip/c_out (c_skip ≤ 4e-8 at t ≥ 259) and the RK4 reference.
 */
describe('LCM', () => {
  it.each(MIXTURES)('is usable at 4 steps on a %s', (_, mix) => {
    const { final } = run('lcm', mix, 4, {}, 'flow');
    expectStatsNearTruth(mix, final, { variance: 0.02, mean: 0.02 });
  });

  it.each([10, 25, 50])('stays on the data at %i steps (Gaussian)', (steps) => {
    expectStatsNearTruth(GAUSSIAN_1D, run('lcm', GAUSSIAN_1D, steps, {}, 'flow').final, { variance: 0.02 });
  });
});

/**
 * Starting as the pipeline does, from randn · initNoiseSigma: for unit-variance data the marginal is
 * N(0, 1) in DDPM space and N(0, 1 + σ²) in σ-space at every t, so the start is (nearly) exact and
 * the output must be N(0, 1) up to each sampler's 50-step error.
 */
describe('initNoiseSigma', () => {
  const unit: Mixture = { dim: 1, weights: [1], means: [[0]], stds: [1] };
  it.each(['ddim', 'euler', 'heun', 'dpmpp-2m', 'dpmpp-2m-karras', 'unipc'] as const)('%s from the prior', (name) => {
    for (const timestep_spacing of ['leading', 'linspace', 'trailing']) {
      const s = createScheduler(name, { ...SD, timestep_spacing });
      const x = runSamplerFull(s, { mix: unit, steps: 50, points: N, seed: 5, alphaCumprodAt: alphaCumprodFn(s), fromPrior: true }).final;
      // Leading spacing starts at t = 981 (not 999), where the first model call still sees the prior.
      expectStatsNearTruth(unit, x, { variance: 0.1 });
    }
  });

  it('σ-space schedulers start at σ_max (linspace) as diffusers does', () => {
    const e = createScheduler('euler', SD);
    e.setTimesteps(30);
    const sigmas = sigmasFromAlphasCumprod(alphasCumprodOf(makeBetas(e.config)));
    expect(e.initNoiseSigma).toBeCloseTo(sigmas[999], 10);
    const noise = createGenerator(1).fillNormal(new Float32Array(10));
    expect(e.addNoise(new Float32Array(10), noise, e.timesteps[0])[3]).toBeCloseTo(noise[3] * sigmas[999], 4);
  });
});
