import { assign, fromPromise, setup } from 'xstate';
import type { ErrorCode } from '../errors/index.js';
import { InternalError, isColorWizardError } from '../errors/index.js';
import type { SchedulerName } from '../schedulers/scheduler.js';
import type { ColorizeSettings } from './options-schema.js';
import type { ColorIntent, ColorizedSample, PipelineStage, StageTimings } from './types.js';

/**
 * The colorization state machine. It holds only serializable data (settings, step counter, the
 * current latent as numbers, timings, errors); heavy buffers live in the run's workspace, owned by
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
  model: string;
  timesteps: number[];
  latent: number[];
  /** Each sample's noise-generator position after drawing `latent` (RandomGenerator.state()). */
  rng: number[][];
  understood: ColorIntent[];
}

export interface PipelineContext {
  /** Raw options as given (validated in `validating`). */
  options: Record<string, unknown>;
  settings: ColorizeSettings | null;
  run: Omit<PreparedRun, 'latent' | 'rng'> | null;
  /** Current diffusion latent [N, C, h, w], flattened; JSON-safe so a persisted snapshot restores. */
  latent: number[] | null;
  /** Noise-generator positions that go with `latent`, so ancestral samplers resume with the same noise. */
  rng: number[][] | null;
  step: number;
  timings: StageTimings;
  outputs: Omit<ColorizedSample, 'image'>[] | null;
  error: PipelineError | null;
}

export interface PipelineInput {
  options: Record<string, unknown>;
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

type Run = Omit<PreparedRun, 'latent' | 'rng'>;

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
    validate: notProvided<ColorizeSettings, { options: Record<string, unknown> }>('validate'),
    loadPack: notProvided<{ ms: number }, { settings: ColorizeSettings }>('loadPack'),
    prepare: notProvided<PreparedRun & { readMs: number; prepareMs: number }, { settings: ColorizeSettings }>('prepare'),
    denoiseStep: notProvided<{ latent: number[]; rng: number[][]; ms: number }, { step: number; latent: number[]; rng: number[][]; run: Run; settings: ColorizeSettings }>('denoiseStep'),
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
      const output = (event as unknown as { output: { latent: number[]; rng: number[][]; ms: number } }).output;
      return {
        latent: output.latent,
        rng: output.rng,
        step: context.step + 1,
        timings: { ...context.timings, denoiseMs: context.timings.denoiseMs + output.ms },
      };
    }),
  },
}).createMachine({
  id: 'colorize',
  context: ({ input }) => ({
    options: input.options,
    settings: null,
    run: null,
    latent: null,
    rng: null,
    step: 0,
    timings: zeroTimings(),
    outputs: null,
    error: null,
  }),
  initial: 'validating',
  on: { CANCEL: '.cancelled' },
  states: {
    validating: {
      invoke: {
        src: 'validate',
        input: ({ context }) => ({ options: context.options }),
        onDone: { target: 'loading', actions: assign({ settings: ({ event }) => event.output }) },
        onError: { target: 'failed', actions: 'recordError' },
      },
    },
    loading: {
      invoke: {
        src: 'loadPack',
        input: ({ context }) => ({ settings: context.settings! }),
        onDone: { target: 'preparing', actions: assign({ timings: ({ context, event }) => ({ ...context.timings, loadMs: event.output.ms }) }) },
        onError: { target: 'failed', actions: 'recordError' },
      },
    },
    preparing: {
      invoke: {
        src: 'prepare',
        input: ({ context }) => ({ settings: context.settings! }),
        onDone: {
          target: 'denoising',
          actions: assign(({ context, event }) => {
            const { latent, rng, readMs, prepareMs, ...run } = event.output;
            return { run, latent, rng, step: 0, timings: { ...context.timings, readMs, prepareMs } };
          }),
        },
        onError: { target: 'failed', actions: 'recordError' },
      },
    },
    denoising: {
      always: { guard: ({ context }) => context.run !== null && context.run.timesteps.length === 0, target: 'decoding' },
      invoke: {
        src: 'denoiseStep',
        input: ({ context }) => ({ step: context.step, latent: context.latent!, rng: context.rng!, run: context.run!, settings: context.settings! }),
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
        input: ({ context }) => ({ latent: context.latent!, run: context.run!, settings: context.settings! }),
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
        input: ({ context }) => ({ settings: context.settings! }),
        onDone: { target: 'encoding', actions: assign({ timings: ({ context, event }) => ({ ...context.timings, fuseMs: event.output.ms }) }) },
        onError: { target: 'failed', actions: 'recordError' },
      },
    },
    encoding: {
      invoke: {
        src: 'encode',
        input: ({ context }) => ({ settings: context.settings!, run: context.run! }),
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
  return (['validating', 'loading', 'preparing', 'denoising', 'decoding', 'fusing', 'encoding'] as const).find((s) => s === value) ?? 'done';
}
