/** The contract every scheduler keeps, run against each of them. */
import { describe, expect, it } from 'vitest';
import { OptionsError, SchedulerConfigError } from '../../src/errors/index.js';
import { createGenerator, sampleSeed, type RandomGenerator } from '../../src/random/index.js';
import { createScheduler, SCHEDULER_NAMES, type Scheduler, type SchedulerName } from '../../src/schedulers/index.js';

const SD = { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, steps_offset: 1, set_alpha_to_one: false, clip_sample: false };
const STOCHASTIC = new Set<SchedulerName>(['ddpm', 'euler-ancestral', 'lcm']);

/** An elementwise stand-in model (no mixing across batch items, so per-sample reproducibility is testable). */
function fakeModel(x: Float32Array): Float32Array {
  return x.map((v) => 0.5 * Math.tanh(v) + 0.05);
}

function run(s: Scheduler, steps: number, latent: Float32Array, generator?: RandomGenerator | RandomGenerator[]): Float32Array {
  s.setTimesteps(steps);
  let x: Float32Array = latent.map((v) => v * s.initNoiseSigma);
  for (const t of s.timesteps) {
    const out = fakeModel(s.scaleModelInput(x, t));
    x = s.step({ modelOutput: out, timestep: t, sample: x, generator }).prevSample;
  }
  return Float32Array.from(x);
}

const latent = (n: number, seed: number) => createGenerator(seed).fillNormal(new Float32Array(n));

describe.each(SCHEDULER_NAMES)('%s', (name) => {
  it('chooses timesteps for every spacing: count, order, range', () => {
    for (const spacing of ['leading', 'trailing', 'linspace'] as const) {
      for (const n of [1, 7, 50]) {
        const s = createScheduler(name, { ...SD, timestep_spacing: spacing });
        s.setTimesteps(n);
        const ts = Array.from(s.timesteps);
        expect(ts).toHaveLength(name === 'heun' ? 2 * n - 1 : n);
        for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeLessThanOrEqual(ts[i - 1]);
        expect(Math.min(...ts)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...ts)).toBeLessThanOrEqual(999);
        expect(s.initNoiseSigma).toBeGreaterThan(0);
        expect(s.order).toBe(name === 'heun' ? 2 : 1);
      }
    }
  });

  it('rejects step() before setTimesteps and bad step counts', () => {
    const s = createScheduler(name, SD);
    const x = new Float32Array(4);
    expect(() => s.step({ modelOutput: x, timestep: 999, sample: x })).toThrow(SchedulerConfigError);
    expect(() => s.step({ modelOutput: x, timestep: 999, sample: x })).toThrow(/setTimesteps/);
    for (const bad of [0, 1.5, 1001, Number.NaN]) expect(() => s.setTimesteps(bad)).toThrow(OptionsError);
  });

  it('runs to a finite sample of the same shape without touching the caller latent', () => {
    const s = createScheduler(name, SD);
    const z = latent(96, 1);
    const copy = Float32Array.from(z);
    s.setTimesteps(8);
    let x = z;
    for (const t of s.timesteps) {
      const xin = s.scaleModelInput(x, t);
      expect(xin).toHaveLength(96);
      const r = s.step({ modelOutput: fakeModel(xin), timestep: t, sample: x, generator: createGenerator(3) });
      expect(r.prevSample).toHaveLength(96);
      expect(r.predOriginalSample).toHaveLength(96);
      expect(r.prevSample).not.toBe(z);
      x = r.prevSample;
    }
    expect(x.every(Number.isFinite)).toBe(true);
    expect(z).toEqual(copy);
  });

  it('is deterministic and resets its state in setTimesteps', () => {
    const s = createScheduler(name, SD);
    const a = run(s, 10, latent(64, 2), createGenerator(9));
    const b = run(s, 10, latent(64, 2), createGenerator(9)); // same instance: history must be cleared
    const c = run(createScheduler(name, SD), 10, latent(64, 2), createGenerator(9));
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    const d = run(s, 10, latent(64, 2), createGenerator(10));
    if (STOCHASTIC.has(name)) expect(d).not.toEqual(a);
    else expect(d).toEqual(a);
  });

  it('keeps sample k of a batch reproducible alone (one generator per item)', () => {
    const seed = 4000;
    const items = 3;
    const per = 32;
    const batchLatent = new Float32Array(items * per);
    for (let k = 0; k < items; k++) createGenerator(sampleSeed(seed, k)).fillNormal(batchLatent, k * per, per);
    const gens = Array.from({ length: items }, (_, k) => createGenerator(sampleSeed(seed, 1000 + k)));
    const batch = run(createScheduler(name, SD), 6, batchLatent, gens);
    const alone = run(createScheduler(name, SD), 6, latent(per, seed + 1), [createGenerator(seed + 1001)]);
    expect(batch.subarray(per, 2 * per)).toEqual(alone);
    // 96 values cannot be split among 5 generators: an error wherever noise is drawn.
    const five = Array.from({ length: 5 }, (_, k) => createGenerator(k));
    if (STOCHASTIC.has(name)) expect(() => run(createScheduler(name, SD), 6, batchLatent, five)).toThrow(OptionsError);
  });

  it('rejects out-of-order timesteps, extra steps and mismatched arrays', () => {
    const s = createScheduler(name, SD);
    s.setTimesteps(5);
    const x = latent(8, 3);
    expect(() => s.step({ modelOutput: new Float32Array(7), timestep: s.timesteps[0], sample: x })).toThrow(OptionsError);
    s.step({ modelOutput: fakeModel(x), timestep: s.timesteps[0], sample: x, generator: createGenerator(1) });
    expect(() => s.step({ modelOutput: fakeModel(x), timestep: s.timesteps[0] + 3, sample: x })).toThrow(/expected timestep/);
    expect(() => s.step({ modelOutput: new Float32Array(4), timestep: s.timesteps[1], sample: new Float32Array(4) })).toThrow(
      /sample size changed/,
    );
    for (let i = 1; i < s.timesteps.length; i++) {
      s.step({ modelOutput: fakeModel(x), timestep: s.timesteps[i], sample: x, generator: createGenerator(1) });
    }
    expect(() => s.step({ modelOutput: x, timestep: s.timesteps[0], sample: x })).toThrow(/timesteps are done/);
  });

  it('adds noise to the level of a timestep (img2img) and can start mid-schedule', () => {
    const s = createScheduler(name, SD);
    s.setTimesteps(10);
    const x0 = latent(16, 4);
    const noise = latent(16, 5);
    const start = s.timesteps[name === 'heun' ? 4 : 2];
    const noisy = s.addNoise(x0, noise, start);
    expect(noisy).toHaveLength(16);
    expect(noisy).not.toEqual(x0);
    expect(() => s.addNoise(x0, new Float32Array(3), start)).toThrow(OptionsError);
    // Starting at a later timestep (img2img strength) fixes the step index from it.
    let x = noisy;
    const startIndex = Array.from(s.timesteps).indexOf(start) + (name === 'heun' ? 1 : 0);
    for (const t of Array.from(s.timesteps).slice(startIndex)) {
      x = s.step({ modelOutput: fakeModel(s.scaleModelInput(x, t)), timestep: t, sample: x, generator: createGenerator(2) }).prevSample;
    }
    expect(x.every(Number.isFinite)).toBe(true);
  });

  it('supports every prediction type and zero-terminal-SNR v-prediction', () => {
    for (const prediction_type of ['epsilon', 'v_prediction', 'sample']) {
      const y = run(createScheduler(name, { ...SD, prediction_type }), 6, latent(16, 6), createGenerator(1));
      expect(y.every(Number.isFinite)).toBe(true);
    }
    const zsnr = { prediction_type: 'v_prediction', rescale_betas_zero_snr: true, timestep_spacing: 'trailing' };
    const y = run(createScheduler(name, zsnr), 6, latent(16, 7), createGenerator(1));
    expect(y.every(Number.isFinite)).toBe(true);
  });
});

describe('scheduler specifics', () => {
  it('discrete schedulers return the input itself from scaleModelInput; σ-space ones scale it', () => {
    for (const name of ['ddpm', 'ddim', 'lcm', 'dpmpp-2m', 'unipc'] as const) {
      const s = createScheduler(name);
      s.setTimesteps(4);
      const x = latent(4, 1);
      expect(s.scaleModelInput(x, s.timesteps[0])).toBe(x);
    }
    const e = createScheduler('euler');
    e.setTimesteps(4);
    const x = Float32Array.of(1);
    const sigma = e.initNoiseSigma; // linspace: σ_max
    expect(e.scaleModelInput(x, e.timesteps[0])[0]).toBeCloseTo(1 / Math.sqrt(sigma * sigma + 1), 6);
  });

  it('clips x̂0 with clip_sample where diffusers does', () => {
    for (const name of ['ddpm', 'ddim', 'lcm', 'heun'] as const) {
      const s = createScheduler(name, { clip_sample: true, clip_sample_range: 0.5 });
      s.setTimesteps(3);
      const x = latent(64, 8).map((v) => v * 5);
      const r = s.step({ modelOutput: new Float32Array(64).fill(-3), timestep: s.timesteps[0], sample: x, generator: createGenerator(1) });
      expect(Math.max(...r.predOriginalSample.map(Math.abs))).toBeLessThanOrEqual(0.5);
    }
  });

  it('DDIM η = 0 ignores the generator; η = 1 uses it', () => {
    const z = latent(32, 11);
    const a = run(createScheduler('ddim', SD), 10, z, createGenerator(1));
    expect(run(createScheduler('ddim', SD), 10, z, createGenerator(2))).toEqual(a);
    const b = run(createScheduler('ddim', { ...SD, eta: 1 }), 10, z, createGenerator(1));
    expect(run(createScheduler('ddim', { ...SD, eta: 1 }), 10, z, createGenerator(2))).not.toEqual(b);
  });

  it('noiseScale (temperature) multiplies the noise stochastic schedulers inject, and only that', () => {
    const x = latent(32, 12);
    const out = new Float32Array(32).fill(0.3);
    for (const name of ['ddpm', 'euler-ancestral', 'lcm'] as const) {
      const stepAt = (noiseScale: number) => {
        const s = createScheduler(name, SD);
        s.setTimesteps(5);
        return Float32Array.from(s.step({ modelOutput: out, timestep: s.timesteps[1], sample: x, generator: createGenerator(3), noiseScale }).prevSample);
      };
      const [none, half, full] = [stepAt(0), stepAt(0.5), stepAt(1)];
      expect(full).not.toEqual(none);
      // The update is affine in the noise: at 0.5 it lies halfway between no noise and full noise.
      for (let i = 0; i < 32; i++) expect(half[i]).toBeCloseTo((none[i] + full[i]) / 2, 5);
    }
    const ddim = (noiseScale: number) => {
      const s = createScheduler('ddim', SD);
      s.setTimesteps(5);
      return Float32Array.from(s.step({ modelOutput: out, timestep: s.timesteps[1], sample: x, generator: createGenerator(3), noiseScale }).prevSample);
    };
    expect(ddim(0)).toEqual(ddim(1)); // η = 0: nothing injected, nothing to scale
  });

  it('multistep solvers run at orders 1–3 and in their variants', () => {
    for (const extra of [
      { solver_order: 1 },
      { solver_order: 3 },
      { solver_type: 'heun' },
      { euler_at_final: true, lower_order_final: false, final_sigmas_type: 'sigma_min' },
    ]) {
      expect(run(createScheduler('dpmpp-2m', { ...SD, ...extra }), 20, latent(8, 1)).every(Number.isFinite)).toBe(true);
    }
    for (const extra of [{ solver_order: 1 }, { solver_order: 3 }, { solver_type: 'bh1' }, { predict_x0: false }, { disable_corrector: [0, 1] }]) {
      expect(run(createScheduler('unipc', { ...SD, ...extra }), 20, latent(8, 1)).every(Number.isFinite)).toBe(true);
    }
  });
});
