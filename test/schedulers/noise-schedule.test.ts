/**
 * Golden schedules. Literal values come from diffusers' behaviour (numpy/torch in float32; our float64
 * agrees to ~1e-6 relative) or from a 50-digit decimal evaluation of the same formulas; the rest is
 * re-derived here by a different route (sums of log1p instead of running products).
 */
import { describe, expect, it } from 'vitest';
import { createScheduler } from '../../src/schedulers/index.js';
import {
  alphasCumprodOf,
  cosineBetas,
  makeBetas,
  roundHalfEven,
  spacedTimesteps,
} from '../../src/schedulers/noise-schedule.js';
import { resolveSchedulerConfig } from '../../src/schedulers/scheduler-config.js';

const SD = { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, steps_offset: 1, set_alpha_to_one: false, clip_sample: false };

describe('alphas_cumprod and sigmas', () => {
  it('Stable Diffusion scaled_linear: ᾱ_0, ᾱ_500, ᾱ_999, σ_min, σ_max', () => {
    const ab = alphasCumprodOf(makeBetas(resolveSchedulerConfig('ddpm', SD)));
    // 50-digit decimal evaluation of Π(1 - β) with β_i = (sqrt(0.00085) + i·Δ)².
    expect(ab[0]).toBeCloseTo(0.99915, 15);
    expect(ab[500] / 0.27633268382297475 - 1).toBeLessThan(1e-12);
    expect(Math.abs(ab[999] / 0.0046600985130772402 - 1)).toBeLessThan(1e-12);
    const sigma = (t: number) => Math.sqrt((1 - ab[t]) / ab[t]);
    // k-diffusion/diffusers report σ_max ≈ 14.6146, σ_min ≈ 0.0292 for SD.
    expect(sigma(999)).toBeCloseTo(14.614641229333636, 10);
    expect(sigma(0)).toBeCloseTo(0.029167158151720066, 14);
  });

  it('matches an independent log-sum evaluation for every schedule', () => {
    for (const schedule of ['linear', 'scaled_linear', 'squaredcos_cap_v2'] as const) {
      const config = resolveSchedulerConfig('ddpm', { beta_schedule: schedule });
      const betas = makeBetas(config);
      const ab = alphasCumprodOf(betas);
      let logSum = 0;
      for (let t = 0; t < betas.length; t++) {
        logSum += Math.log1p(-betas[t]);
        expect(Math.abs(ab[t] / Math.exp(logSum) - 1)).toBeLessThan(1e-11);
      }
    }
  });

  it('squaredcos_cap_v2 (Nichol & Dhariwal): first β, cap at 0.999, ᾱ at the ends', () => {
    const betas = cosineBetas(1000);
    const f = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    expect(betas[0]).toBeCloseTo(1 - f(0.001) / f(0), 15);
    expect(betas[0]).toBeCloseTo(4.128422482196914e-5, 15);
    expect(betas[999]).toBe(0.999);
    const ab = alphasCumprodOf(betas);
    expect(ab[499]).toBeCloseTo(0.49384359, 7);
    expect(ab[999] / 2.42876691e-9).toBeCloseTo(1, 6);
  });

  it('rescale_betas_zero_snr keeps ᾱ_0, zeroes ᾱ_T (2^-24 in σ-space schedulers)', () => {
    const config = resolveSchedulerConfig('ddim', { rescale_betas_zero_snr: true });
    const ab = alphasCumprodOf(makeBetas(config));
    expect(ab[0]).toBeCloseTo(0.9999, 12);
    expect(ab[999]).toBeCloseTo(0, 15);
    expect(ab[998]).toBeCloseTo(4.213262465088072e-9, 15);
    const euler = createScheduler('euler', { rescale_betas_zero_snr: true, prediction_type: 'v_prediction' });
    euler.setTimesteps(10);
    expect(euler.initNoiseSigma).toBeCloseTo(Math.sqrt((1 - 2 ** -24) / 2 ** -24), 6);
  });
});

describe('timesteps', () => {
  it('rounds like numpy (half to even)', () => {
    expect([0.5, 1.5, 2.5, -0.5, 832.5, 166.5, 2.4999].map(roundHalfEven)).toEqual([0, 2, 2, -0, 832, 166, 2]);
  });

  it('leading spacing with steps_offset 1 (Stable Diffusion, 50 steps): 981, 961, …, 1', () => {
    const ts = Array.from(spacedTimesteps('leading', 1000, 50, 1));
    expect(ts).toHaveLength(50);
    expect(ts.slice(0, 3)).toEqual([981, 961, 941]);
    expect(ts[49]).toBe(1);
    const ddim = createScheduler('ddim', SD);
    ddim.setTimesteps(50);
    expect(ddim.timesteps[0]).toBe(981);
  });

  it('trailing and linspace spacing', () => {
    expect(Array.from(spacedTimesteps('trailing', 1000, 7, 0))).toEqual([999, 856, 713, 570, 428, 285, 142]);
    expect(Array.from(spacedTimesteps('trailing', 1000, 50, 0)).slice(-2)).toEqual([39, 19]);
    // 999·k/6 hits .5 three times; numpy's half-to-even gives 832, 500, 166.
    expect(Array.from(spacedTimesteps('linspace', 1000, 7, 0))).toEqual([999, 832, 666, 500, 333, 166, 0]);
    // numpy's float arange yields 62 trailing steps for 61 (ending at -1); we keep exactly 61, all valid.
    const t61 = spacedTimesteps('trailing', 1000, 61, 0);
    expect(t61).toHaveLength(61);
    expect(Math.min(...t61)).toBeGreaterThanOrEqual(0);
  });

  it('Euler linspace keeps float32 fractional timesteps and starts at σ_max', () => {
    const euler = createScheduler('euler', { ...SD, timestep_spacing: 'linspace' });
    euler.setTimesteps(50);
    expect(euler.timesteps[0]).toBe(999);
    expect(euler.timesteps[1]).toBe(Math.fround(978.61224));
    expect(euler.timesteps[49]).toBe(0);
    expect(euler.initNoiseSigma).toBeCloseTo(14.614641229333636, 9);
    const leading = createScheduler('euler', { ...SD, timestep_spacing: 'leading' });
    leading.setTimesteps(50);
    // diffusers' leading quirk: init sigma sqrt(σ_max² + 1) with σ_max at t = 981.
    expect(leading.timesteps[0]).toBe(981);
    expect(leading.initNoiseSigma).toBeGreaterThan(1);
  });

  it('DPM-Solver spacings (n + 1 points, last dropped)', () => {
    const dpm = createScheduler('dpmpp-2m', SD);
    dpm.setTimesteps(25);
    expect(Array.from(dpm.timesteps)).toEqual([
      999, 959, 919, 879, 839, 799, 759, 719, 679, 639, 599, 559, 519, 480, 440, 400, 360, 320, 280, 240, 200, 160, 120, 80, 40,
    ]);
    const leading = createScheduler('dpmpp-2m', { ...SD, timestep_spacing: 'leading' });
    leading.setTimesteps(10);
    expect(Array.from(leading.timesteps)).toEqual([901, 811, 721, 631, 541, 451, 361, 271, 181, 91]);
  });

  it('Karras sigmas (ρ = 7) and their rounded timesteps', () => {
    const k = createScheduler('dpmpp-2m-karras', SD) as unknown as { sigmas: Float64Array; timesteps: Float64Array; setTimesteps(n: number): void };
    k.setTimesteps(10);
    expect(Array.from(k.timesteps)).toEqual([999, 916, 815, 687, 523, 327, 146, 41, 7, 0]);
    // diffusers (float32 ᾱ) gives 14.61465549, 9.10294231, …, 0.02916753.
    const expected = [14.61465549, 9.10294231, 5.47840418, 3.16861258, 1.7494239, 0.91407684, 0.44692104, 0.20139991, 0.08191106, 0.02916753];
    // float32 ᾱ differs by ~1e-6 relative, and σ = sqrt((1 - ᾱ)/ᾱ) amplifies that near ᾱ_0 = 0.99915
    // (one float32 ulp of ᾱ_0 is 7e-5 of 1 - ᾱ_0), hence 5e-5.
    expected.forEach((s, i) => expect(Math.abs(k.sigmas[i] / s - 1)).toBeLessThan(5e-5));
    expect(k.sigmas[10]).toBe(0);
  });

  it('LCM picks from the 50-step distillation grid; Heun repeats inner timesteps', () => {
    const lcm = createScheduler('lcm', {});
    lcm.setTimesteps(4);
    expect(Array.from(lcm.timesteps)).toEqual([999, 759, 499, 259]);
    lcm.setTimesteps(6);
    expect(Array.from(lcm.timesteps)).toEqual([999, 839, 679, 499, 339, 179]);
    const heun = createScheduler('heun', SD);
    heun.setTimesteps(3);
    expect(Array.from(heun.timesteps)).toEqual([999, 499.5, 499.5, 0, 0]);
    expect(heun.order).toBe(2);
  });
});
