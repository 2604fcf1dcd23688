import { assign, fromPromise, setup } from 'xstate';
import type { ErrorCode } from '../errors/index.js';
import { InternalError, isColorWizardError } from '../errors/index.js';
import type { SchedulerName, SchedulerState } from '../schedulers/index.js';
import type { ColorizeSettings } from './options-schema.js';
import { PIPELINE_STAGES } from './stages.js';
import type { ColorIntent, ColorizedSample, PipelineStage, StageTimings } from './types.js';

/**
 * The colorization state machine. It receives settings parsed where they entered (library call, CLI
 * flags, HTTP body) and holds only serializable data (settings, step counter, the current latent,
 * noise positions and scheduler state as numbers, timings, errors); heavy buffers live in the run's workspace, owned by
 * the actors the runner provides. No I/O here: every effect is an actor, so tests swap them with
 * `machine.provide`.
 */

export interface PipelineError {
  code: ErrorCode | 'UNKNOWN';
  message: string;
  details: Record<string, unknown>;
}

export interface PreparedRun {
  width: number;
  height: number;
  seed: number;
  seeds: number[];
  steps: number;
  scheduler: SchedulerName;
  guidance: number;
  temperature: number;
  /** How far the run started from the pack's anchor latent (0: pure noise; anchor-schedule.ts). */
  anchor: number;
  model: string;
  /** The timesteps the run takes (an anchored run: the last `steps` of a longer schedule). */
  timesteps: number[];
  latent: number[];
  /** Each sample's noise-generator position after drawing `latent` (RandomGenerator.state()). */
  rng: number[][];
  /** The scheduler's state after `setTimesteps` (Scheduler.getState()). */
  schedulerState: SchedulerState;
  understood: ColorIntent[];
}

export interface PipelineContext {
  settings: ColorizeSettings;
  run: Run | null;
  /** Current diffusion latent [N, C, h, w], flattened; JSON-safe so a persisted snapshot restores. */
  latent: number[] | null;
  /** Noise-generator positions that go with `latent`, so ancestral samplers resume with the same noise. */
  rng: number[][] | null;
  /** Scheduler state that goes with `latent` (multistep history, Heun's stage), so every sampler resumes exactly. */
  schedulerState: SchedulerState | null;
  step: number;
  timings: StageTimings;
  outputs: Omit<ColorizedSample, 'image'>[] | null;
  error: PipelineError | null;
}

export interface PipelineInput {
  settings: ColorizeSettings;
}

const zeroTimings = (): StageTimings => ({
  readMs: 0,
  loadMs: 0,
  prepareMs: 0,
  denoiseMs: 0,
  decodeMs: 0,
  upsampleMs: 0,
  fuseMs: 0,
  encodeMs: 0,
  totalMs: 0,
  modelMs: 0,
});

function notProvided<TOutput, TInput>(name: string) {
  return fromPromise<TOutput, TInput>(async () => {
    throw new InternalError(`Pipeline actor "${name}" was not provided to the machine.`);
  });
}

type Run = Omit<PreparedRun, 'latent' | 'rng' | 'schedulerState'>;
type StepInput = { step: number; latent: number[]; rng: number[][]; schedulerState: SchedulerState; run: Run; settings: ColorizeSettings };
type StepOutput = { latent: number[]; rng: number[][]; schedulerState: SchedulerState; ms: number };

/** The states a persisted snapshot resumes in (later ones need pixel buffers that snapshots lack). */
export const RESUMABLE_STATES = ['loading', 'preparing', 'denoising', 'decoding'] as const;
export type ResumableState = (typeof RESUMABLE_STATES)[number];

/**
 * The actor each resumable state invokes and its input, from context alone: the machine uses these,
 * and a restored snapshot's child is rebuilt with them from the checked context (snapshot-schema.ts).
 */
export const STAGE_ACTORS = {
  loading: { src: 'loadPack', input: (c: PipelineContext) => ({ settings: c.settings }) },
  preparing: { src: 'prepare', input: (c: PipelineContext) => ({ settings: c.settings }) },
  denoising: {
    src: 'denoiseStep',
    input: (c: PipelineContext): StepInput => ({ step: c.step, latent: c.latent!, rng: c.rng!, schedulerState: c.schedulerState!, run: c.run!, settings: c.settings }),
  },
  decoding: { src: 'decode', input: (c: PipelineContext) => ({ latent: c.latent!, run: c.run!, settings: c.settings }) },
} as const satisfies Record<ResumableState, { src: string; input: (c: PipelineContext) => unknown }>;

export function toPipelineError(error: unknown): PipelineError {
  if (isColorWizardError(error)) return { code: error.code, message: error.message, details: error.details };
  return { code: 'UNKNOWN', message: error instanceof Error ? error.message : String(error), details: {} };
}

export const pipelineMachine = setup({
  types: {
    context: {} as PipelineContext,
    input: {} as PipelineInput,
    events: {} as { type: 'CANCEL' },
  },
  actors: {
    loadPack: notProvided<{ ms: number }, { settings: ColorizeSettings }>('loadPack'),
    prepare: notProvided<PreparedRun & { readMs: number; prepareMs: number }, { settings: ColorizeSettings }>('prepare'),
    denoiseStep: notProvided<StepOutput, StepInput>('denoiseStep'),
    decode: notProvided<{ ms: number; upsampleMs: number }, { latent: number[]; run: Run; settings: ColorizeSettings }>('decode'),
    fuse: notProvided<{ ms: number }, { settings: ColorizeSettings }>('fuse'),
    encode: notProvided<{ ms: number; outputs: Omit<ColorizedSample, 'image'>[] }, { settings: ColorizeSettings; run: Run }>('encode'),
  },
  guards: {
    moreSteps: ({ context }) => context.run !== null && context.step + 1 < context.run.timesteps.length,
  },
  actions: {
    recordError: assign({ error: ({ event }) => toPipelineError((event as { error?: unknown }).error) }),
    advanceStep: assign(({ context, event }) => {
      const output = (event as unknown as { output: StepOutput }).output;
      return {
        latent: output.latent,
        rng: output.rng,
        schedulerState: output.schedulerState,
        step: context.step + 1,
        timings: { ...context.timings, denoiseMs: context.timings.denoiseMs + output.ms },
      };
    }),
  },
}).createMachine({
  id: 'colorize',
  context: ({ input }) => ({
    settings: input.settings,
    run: null,
    latent: null,
    rng: null,
    schedulerState: null,
    step: 0,
    timings: zeroTimings(),
    outputs: null,
    error: null,
  }),
  initial: 'loading',
  on: { CANCEL: '.cancelled' },
  states: {
    loading: {
      invoke: {
        src: 'loadPack',
        input: ({ context }) => STAGE_ACTORS.loading.input(context),
        onDone: { target: 'preparing', actions: assign({ timings: ({ context, event }) => ({ ...context.timings, loadMs: event.output.ms }) }) },
        onError: { target: 'failed', actions: 'recordError' },
      },
    },
    preparing: {
      invoke: {
        src: 'prepare',
        input: ({ context }) => STAGE_ACTORS.preparing.input(context),
        onDone: {
          target: 'denoising',
          actions: assign(({ context, event }) => {
            const { latent, rng, schedulerState, readMs, prepareMs, ...run } = event.output;
            return { run, latent, rng, schedulerState, step: 0, timings: { ...context.timings, readMs, prepareMs } };
          }),
        },
        onError: { target: 'failed', actions: 'recordError' },
      },
    },
    denoising: {
      always: { guard: ({ context }) => context.run !== null && context.run.timesteps.length === 0, target: 'decoding' },
      invoke: {
        src: 'denoiseStep',
        input: ({ context }) => STAGE_ACTORS.denoising.input(context),
        onDone: [
          {
            guard: 'moreSteps',
            target: 'denoising',
            reenter: true,
            actions: 'advanceStep',
          },
          {
            target: 'decoding',
            actions: 'advanceStep',
          },
        ],
        onError: { target: 'failed', actions: 'recordError' },
      },
    },
    decoding: {
      invoke: {
        src: 'decode',
        input: ({ context }) => STAGE_ACTORS.decoding.input(context),
        onDone: {
          target: 'fusing',
          actions: assign({ timings: ({ context, event }) => ({ ...context.timings, decodeMs: event.output.ms, upsampleMs: event.output.upsampleMs }) }),
        },
        onError: { target: 'failed', actions: 'recordError' },
      },
    },
    fusing: {
      invoke: {
        src: 'fuse',
        input: ({ context }) => ({ settings: context.settings }),
        onDone: { target: 'encoding', actions: assign({ timings: ({ context, event }) => ({ ...context.timings, fuseMs: event.output.ms }) }) },
        onError: { target: 'failed', actions: 'recordError' },
      },
    },
    encoding: {
      invoke: {
        src: 'encode',
        input: ({ context }) => ({ settings: context.settings, run: context.run! }),
        onDone: {
          target: 'done',
          actions: assign(({ context, event }) => ({
            outputs: event.output.outputs,
            timings: { ...context.timings, encodeMs: event.output.ms },
          })),
        },
        onError: { target: 'failed', actions: 'recordError' },
      },
    },
    done: { type: 'final' },
    failed: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

export type PipelineMachine = typeof pipelineMachine;

/** The stage a snapshot value maps to, for progress events. */
export function stageOf(value: string): PipelineStage {
  return PIPELINE_STAGES.find((s) => s === value) ?? 'done';
}
