import { describe, expect, it } from 'vitest';
import { SchedulerConfigError } from '../../src/errors/index.js';
import { createScheduler, parseSchedulerConfig, SCHEDULER_NAMES } from '../../src/schedulers/index.js';

/** Stable Diffusion 1.5's scheduler_config.json as diffusers writes it. */
const SD15 = {
  _class_name: 'PNDMScheduler',
  _diffusers_version: '0.6.0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
  clip_sample: false,
};

describe('parseSchedulerConfig', () => {
  it('reads diffusers JSON into a frozen camelCase config, ignoring bookkeeping and foreign keys', () => {
    const c = parseSchedulerConfig(SD15);
    expect(c).toMatchObject({
      className: 'PNDMScheduler',
      betaSchedule: 'scaled_linear',
      betaStart: 0.00085,
      betaEnd: 0.012,
      numTrainTimesteps: 1000,
      setAlphaToOne: false,
      stepsOffset: 1,
      trainedBetas: null,
      predictionType: 'epsilon',
      timestepSpacing: 'leading',
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect('skipPrkSteps' in c).toBe(false);
  });

  it('takes defaults from the target class (diffusers from_config semantics)', () => {
    expect(createScheduler('euler', {}).config.timestepSpacing).toBe('linspace');
    expect(createScheduler('ddim', {}).config.timestepSpacing).toBe('leading');
    expect(parseSchedulerConfig({ _class_name: 'EulerDiscreteScheduler' }).timestepSpacing).toBe('linspace');
    expect(createScheduler('lcm', {}).config.betaSchedule).toBe('scaled_linear');
    expect(createScheduler('dpmpp-2m-karras', {}).config.useKarrasSigmas).toBe(true);
    // A parsed config carries every field, so it passes through unchanged.
    const parsed = parseSchedulerConfig(SD15, 'ddim');
    expect(createScheduler('ddim', parsed).config).toEqual(parsed);
  });

  it('accepts camelCase and maps null to the default', () => {
    const c = createScheduler('dpmpp-2m', { predictionType: 'v_prediction', use_karras_sigmas: null, lambda_min_clipped: null }).config;
    expect(c.predictionType).toBe('v_prediction');
    expect(c.useKarrasSigmas).toBe(false);
    expect(c.lambdaMinClipped).toBe(-Infinity);
  });

  it('fails on unknown enum values, listing the allowed ones', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ beta_schedule: 'sigmoid' }, /beta_schedule: got "sigmoid"; allowed: linear, scaled_linear, squaredcos_cap_v2/],
      [{ prediction_type: 'flow_prediction' }, /prediction_type: .*allowed: epsilon, v_prediction, sample/],
      [{ timestep_spacing: 'karras' }, /timestep_spacing: .*allowed: leading, trailing, linspace/],
      [{ variance_type: 'learned_range' }, /variance_type: .*allowed: fixed_small, fixed_small_log, fixed_large, fixed_large_log/],
      [{ algorithm_type: 'sde-dpmsolver++' }, /algorithm_type: .*allowed: dpmsolver\+\+/],
      [{ thresholding: true }, /thresholding: got true; allowed: false/],
      [{ num_train_timesteps: 1.5 }, /num_train_timesteps/],
    ];
    for (const [json, message] of cases) {
      const error = (() => {
        try {
          parseSchedulerConfig(json);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(SchedulerConfigError);
      expect((error as SchedulerConfigError).code).toBe('SCHEDULER_CONFIG');
      expect((error as Error).message).toMatch(message);
    }
  });

  it('rejects inconsistent configs', () => {
    expect(() => parseSchedulerConfig({ trained_betas: [0.1, 0.2], num_train_timesteps: 1000 })).toThrow(/trained_betas has 2 values/);
    expect(() => parseSchedulerConfig({ beta_schedule: 'linear', prediction_type: 'epsilon', predictionType: 'sample' })).toThrow(
      SchedulerConfigError,
    );
    expect(() => parseSchedulerConfig('nope')).toThrow(/must be a JSON object/);
    expect(() => parseSchedulerConfig({}, 'plms' as never)).toThrow(/allowed: ddpm, ddim/);
  });

  it('uses trained_betas when given', () => {
    const betas = Array.from({ length: 10 }, (_, i) => 0.01 + i * 0.01);
    const s = createScheduler('ddim', { trained_betas: betas, num_train_timesteps: 10 });
    s.setTimesteps(5);
    expect(Array.from(s.timesteps)).toEqual([8, 6, 4, 2, 0]);
  });
});

describe('createScheduler', () => {
  it('builds every listed scheduler and rejects unknown names with the list', () => {
    for (const name of SCHEDULER_NAMES) expect(createScheduler(name).name).toBe(name);
    expect(() => createScheduler('pndm')).toThrow(new RegExp(`allowed: ${SCHEDULER_NAMES.join(', ')}`));
    expect(() => createScheduler('pndm')).toThrow(SchedulerConfigError);
  });
});
