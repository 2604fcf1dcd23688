import { assign, fromPromise, setup } from 'xstate';
import { InternalError, isColorWizardError } from '../errors/index.js';
import type { ColorizeSettings } from '../pipeline/options-schema.js';
import type { SchedulerName } from '../schedulers/scheduler.js';
import type { ColorIntent, ColorizedSample, ProgressEvent, StageTimings } from '../pipeline/types.js';
import { errorInfo, type ErrorInfo } from './http-errors.js';

/**
 * One HTTP job: queued → running → done | failed | cancelled. The pipeline run is the invoked
 * `run` actor (provided by the job queue), so the queue decides when a job starts and the machine
 * decides what a cancel, a timeout or the run's outcome mean. No I/O here.
 */

export type AbortReason = 'client' | 'shutdown' | 'timeout';

export interface SampleSummary {
  index: number;
  seed: number;
  format: ColorizedSample['format'];
  width: number;
  height: number;
  bytes: number;
}

/** A finished run without its image buffers (those live in the result store). */
export interface ResultSummary {
  width: number;
  height: number;
  seed: number;
  steps: number;
  scheduler: SchedulerName;
  guidance: number;
  temperature: number;
  anchor: number;
  model: string;
  prompt: { text: string; negative: string; understood: ColorIntent[] };
  timings: StageTimings;
  samples: SampleSummary[];
}

export interface RunInput {
  jobId: string;
  retain: boolean;
  image: Buffer;
  options: ColorizeSettings;
  signal: AbortSignal;
  onProgress: (event: ProgressEvent) => void;
}

export interface RunOutput {
  summary: ResultSummary;
  /** Kept on the job only when it is not stored (synchronous requests). */
  samples: ColorizedSample[] | null;
}

export interface JobInput {
  id: string;
  image: Buffer;
  options: ColorizeSettings;
  /** Run-time limit in ms (≤ 2^31-1). */
  timeoutMs: number;
  /** False for synchronous requests: the run returns its images instead of storing them. */
  retain: boolean;
}

export interface JobContext extends JobInput {
  image: Buffer;
  controller: AbortController;
  abortReason: AbortReason | null;
  progress: ProgressEvent | null;
  output: RunOutput | null;
  error: ErrorInfo | null;
}

export type JobEvent =
  | { type: 'START' }
  | { type: 'CANCEL'; reason: AbortReason }
  | { type: 'PROGRESS'; progress: ProgressEvent };

const EMPTY = Buffer.alloc(0);

export const CANCEL_MESSAGES: Record<Exclude<AbortReason, 'timeout'>, string> = {
  client: 'cancelled by the client',
  shutdown: 'cancelled because the server is shutting down',
};

export const timeoutError = (ms: number): ErrorInfo => ({ code: 'TIMEOUT', message: `the job ran longer than the server's limit of ${ms / 1000} s` });

export const jobMachine = setup({
  types: {
    context: {} as JobContext,
    events: {} as JobEvent,
    input: {} as JobInput,
  },
  actors: {
    run: fromPromise<RunOutput, RunInput>(async () => {
      throw new InternalError('job machine: provide the "run" actor');
    }),
  },
  actions: {
    /** Aborts the run's signal; the pipeline stops before its next model call. */
    abortRun: ({ context }) => {
      if (!context.controller.signal.aborted) context.controller.abort(context.abortReason ?? 'client');
    },
    releaseImage: assign({ image: EMPTY }),
  },
  guards: {
    abortedForTimeout: ({ context }) => context.abortReason === 'timeout',
    /** Aborted by a client or shutdown, or the library reports a cancel on its own. */
    cancelled: ({ context, event }) => {
      if (context.abortReason !== null) return true;
      const error = (event as unknown as { error?: unknown }).error;
      return isColorWizardError(error) && error.code === 'CANCELLED';
    },
  },
  delays: {
    runTimeout: ({ context }) => context.timeoutMs,
  },
}).createMachine({
  id: 'colorizationJob',
  initial: 'queued',
  context: ({ input }) => ({
    ...input,
    controller: new AbortController(),
    abortReason: null,
    progress: null,
    output: null,
    error: null,
  }),
  states: {
    queued: {
      on: {
        START: 'running',
        CANCEL: [
          {
            guard: ({ event }) => event.reason === 'timeout',
            target: 'failed',
            actions: assign({ abortReason: 'timeout', error: ({ context }) => timeoutError(context.timeoutMs) }),
          },
          {
            target: 'cancelled',
            actions: assign({ abortReason: ({ event }) => event.reason, error: ({ event }) => ({ code: 'CANCELLED', message: CANCEL_MESSAGES[event.reason as 'client'] }) }),
          },
        ],
      },
    },
    running: {
      invoke: {
        src: 'run',
        input: ({ context, self }) => ({
          jobId: context.id,
          retain: context.retain,
          image: context.image,
          options: context.options,
          signal: context.controller.signal,
          onProgress: (progress: ProgressEvent) => self.send({ type: 'PROGRESS', progress }),
        }),
        onDone: { target: 'done', actions: assign({ output: ({ event }) => event.output }) },
        onError: [
          { guard: 'abortedForTimeout', target: 'failed', actions: assign({ error: ({ context }) => timeoutError(context.timeoutMs) }) },
          {
            guard: 'cancelled',
            target: 'cancelled',
            actions: assign({
              error: ({ context }) => ({ code: 'CANCELLED', message: CANCEL_MESSAGES[(context.abortReason ?? 'client') as 'client'] }),
            }),
          },
          { target: 'failed', actions: assign({ error: ({ event }) => errorInfo(event.error) }) },
        ],
      },
      on: {
        PROGRESS: { actions: assign({ progress: ({ event }) => event.progress }) },
        // Stay in `running` until the run settles, so the worker slot is held while a model call finishes.
        CANCEL: { actions: [assign({ abortReason: ({ context, event }) => context.abortReason ?? event.reason }), 'abortRun'] },
      },
      after: {
        runTimeout: { actions: [assign({ abortReason: ({ context }) => context.abortReason ?? 'timeout' }), 'abortRun'] },
      },
    },
    done: { type: 'final', entry: 'releaseImage' },
    failed: { type: 'final', entry: 'releaseImage' },
    cancelled: { type: 'final', entry: 'releaseImage' },
  },
});

export type JobStateName = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export const TERMINAL_STATES: ReadonlySet<JobStateName> = new Set(['done', 'failed', 'cancelled']);
