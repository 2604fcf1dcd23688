/** Anchored runs: the last `steps` steps of a longer schedule, started from a noised latent, on every scheduler. */
import { describe, expect, it } from 'vitest';
import { OptionsError, SchedulerConfigError } from '../../src/errors/index.js';
import { createGenerator } from '../../src/random/index.js';
import { ANCHOR_MAX, anchoredSteps, createScheduler, SCHEDULER_NAMES, setAnchoredTimesteps } from '../../src/schedulers/index.js';

const SD = { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, steps_offset: 1, set_alpha_to_one: false, clip_sample: false };
const fakeModel = (x: Float32Array) => x.map((v) => 0.5 * Math.tanh(v) + 0.05);

describe('anchoredSteps (the PyTorch mirror, training/diffusion.py anchored_steps, uses the same rounding)', () => {
  it.each([
    [4, 0, 4],
    [4, 0.3, 6],
    [4, 0.5, 8],
    [4, 0.7, 13],
    [20, 0.9, 200],
    [1, 0.25, 1],
  ])('%i steps at anchor %f take the last of %i', (steps, anchor, total) => {
    expect(anchoredSteps(steps, anchor)).toBe(total);
  });
});

describe.each(SCHEDULER_NAMES)('%s: anchored timesteps', (name) => {
  const plainEvaluations = (steps: number) => {
    const s = createScheduler(name, SD);
    s.setTimesteps(steps);
    return s.timesteps.length;
  };

  it('anchor 0 is the plain schedule from its first timestep', () => {
    const s = createScheduler(name, SD);
    expect(setAnchoredTimesteps(s, 4, 0)).toBe(0);
    const plain = createScheduler(name, SD);
    plain.setTimesteps(4);
    expect(Array.from(s.timesteps)).toEqual(Array.from(plain.timesteps));
  });

  it('a higher anchor starts at a lower noise level with as many model evaluations, and the run completes', () => {
    let previousStart = Infinity;
    for (const anchor of [0, 0.3, 0.5, 0.7]) {
      const s = createScheduler(name, SD);
      const begin = setAnchoredTimesteps(s, 4, anchor);
      s.setBeginIndex(begin);
      const timesteps = Array.from(s.timesteps).slice(begin);
      expect(timesteps.length, `anchor ${anchor}`).toBe(plainEvaluations(Math.min(4, s.maxInferenceSteps())));
      expect(timesteps[0]).toBeLessThanOrEqual(previousStart);
      if (anchor > 0 && s.maxInferenceSteps() > 4) expect(timesteps[0]).toBeLessThan(previousStart);
      previousStart = timesteps[0];
      const generators = [createGenerator(3)];
      const noise = new Float32Array(16);
      generators[0].fillNormal(noise, 0, 16);
      let x = s.addNoise(new Float32Array(16).fill(0.4), noise, timesteps[0]);
      for (const t of timesteps) {
        x = Float32Array.from(s.step({ modelOutput: fakeModel(s.scaleModelInput(x, t)), timestep: t, sample: x, generator: generators }).prevSample);
      }
      expect(x.every(Number.isFinite)).toBe(true);
    }
  });
});

describe('anchored timesteps: limits', () => {
  it('refuses an anchor outside 0..ANCHOR_MAX with OptionsError', () => {
    for (const bad of [-0.1, ANCHOR_MAX + 0.01, 1, Number.NaN]) {
      expect(() => setAnchoredTimesteps(createScheduler('ddim', SD), 4, bad)).toThrow(OptionsError);
    }
  });

  it('caps the longer schedule at what the scheduler allows (LCM: its original steps)', () => {
    const s = createScheduler('lcm', SD);
    const begin = setAnchoredTimesteps(s, 40, ANCHOR_MAX);
    expect(s.timesteps.length).toBe(s.maxInferenceSteps());
    expect(s.timesteps.length - begin).toBe(40);
  });

  it('Heun begins at the second entry of a repeated timestep (its predictor; the first is the step before’s corrector)', () => {
    const s = createScheduler('heun', SD);
    const begin = setAnchoredTimesteps(s, 3, 0.5);
    expect(s.timesteps[begin]).toBe(s.timesteps[begin - 1]);
    expect(s.timesteps[begin]).not.toBe(s.timesteps[begin + 1]);
  });

  it('setBeginIndex refuses an index outside the schedule, and a call once the run has stepped', () => {
    const s = createScheduler('ddim', SD);
    s.setTimesteps(8);
    expect(() => s.setBeginIndex(8)).toThrow(OptionsError);
    expect(() => s.setBeginIndex(-1)).toThrow(OptionsError);
    s.setBeginIndex(4);
    const t = s.timesteps[4];
    const x = new Float32Array(4).fill(0.1);
    s.step({ modelOutput: fakeModel(x), timestep: t, sample: x });
    expect(() => s.setBeginIndex(5)).toThrow(SchedulerConfigError);
    expect(() => s.step({ modelOutput: fakeModel(x), timestep: s.timesteps[0], sample: x })).toThrow(SchedulerConfigError);
  });
});
