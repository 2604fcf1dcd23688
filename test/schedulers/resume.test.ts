/** Every scheduler continues a run from its JSON state (and its generators') bit for bit. */
import { describe, expect, it } from 'vitest';
import { SchedulerConfigError } from '../../src/errors/index.js';
import { createGenerator, type RandomGenerator } from '../../src/random/index.js';
import { createScheduler, SCHEDULER_NAMES, type Scheduler } from '../../src/schedulers/index.js';

const SD = { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, steps_offset: 1, set_alpha_to_one: false, clip_sample: false };
const STEPS = 6;
const ITEMS = 2;

const fakeModel = (x: Float32Array) => x.map((v) => 0.5 * Math.tanh(v) + 0.05);

/** Runs steps [from, to) of `timesteps` on `x`. */
function steps(s: Scheduler, x: Float32Array, generators: RandomGenerator[], from: number, to: number): Float32Array {
  for (let i = from; i < to; i++) {
    const t = s.timesteps[i];
    x = Float32Array.from(s.step({ modelOutput: fakeModel(s.scaleModelInput(x, t)), timestep: t, sample: x, generator: generators }).prevSample);
  }
  return x;
}

function start(name: string, config: Record<string, unknown> = SD) {
  const s = createScheduler(name, config);
  s.setTimesteps(STEPS);
  const generators = Array.from({ length: ITEMS }, (_, k) => createGenerator(40 + k));
  const x = new Float32Array(ITEMS * 24);
  generators.forEach((g, k) => g.fillNormal(x, k * 24, 24));
  return { s, generators, x: x.map((v) => v * s.initNoiseSigma) };
}

describe.each(SCHEDULER_NAMES)('%s resumes from its state', (name) => {
  const { s: probe } = start(name);
  const total = probe.timesteps.length;
  // The start, the middle (odd: inside a Heun step), and the last step.
  const cuts = [...new Set([0, 1, Math.floor(total / 2) | 1, total - 1])];

  it.each(cuts)('stopped before step %i, continued in a new scheduler: same bytes', (cut) => {
    const straight = start(name);
    const expected = steps(straight.s, straight.x, straight.generators, 0, total);

    const first = start(name);
    const half = steps(first.s, first.x, first.generators, 0, cut);
    const saved = JSON.parse(JSON.stringify({ scheduler: first.s.getState(), generators: first.generators.map((g) => ({ seed: g.seed, state: g.state() })), x: Array.from(half) }));

    const second = createScheduler(name, SD);
    second.setTimesteps(STEPS);
    second.setState(saved.scheduler);
    const gens = saved.generators.map((g: { seed: number; state: number[] }) => createGenerator(g.seed, g.state));
    const resumed = steps(second, Float32Array.from(saved.x), gens, cut, total);
    expect(Array.from(resumed)).toEqual(Array.from(expected));
  });

  it('refuses a state of another schedule, scheduler or latent size', () => {
    const { s, x, generators } = start(name);
    steps(s, x, generators, 0, 2);
    const state = s.getState();
    const other = createScheduler(name, SD);
    other.setTimesteps(STEPS + 1);
    expect(() => other.setState(state)).toThrow(SchedulerConfigError);
    const otherName = createScheduler(name === 'ddim' ? 'ddpm' : 'ddim', SD);
    otherName.setTimesteps(STEPS);
    expect(() => otherName.setState(state)).toThrow(/state is of/);
    const same = createScheduler(name, SD);
    same.setTimesteps(STEPS);
    expect(() => same.setState({ ...state, stepIndex: 1.5 })).toThrow(SchedulerConfigError);
    expect(() => createScheduler(name, SD).setState(state)).toThrow(/setTimesteps/);
  });
});

describe('multistep and two-stage state', () => {
  it('a truncated history is refused, naming the field', () => {
    const { s, x, generators } = start('dpmpp-2m');
    steps(s, x, generators, 0, 3);
    const state = s.getState();
    const history = (state.extra.history as number[][]).map((h) => h.slice(1));
    const other = createScheduler('dpmpp-2m', SD);
    other.setTimesteps(STEPS);
    expect(() => other.setState({ ...state, extra: { ...state.extra, history } })).toThrow(/history/);
  });

  it('Heun between its stages carries the start sample and slope', () => {
    const { s, x, generators } = start('heun');
    const y = steps(s, x, generators, 0, 1);
    expect(s.getState().extra).toMatchObject({ inSecondStage: true });
    steps(s, y, generators, 1, 2);
    expect(s.getState().extra).toEqual({ inSecondStage: false });
  });
});
