import { nanoid } from 'nanoid';
import { createActor, fromPromise, type Actor } from 'xstate';
import type { ColorizeSettings } from '../pipeline/options-schema.js';
import type { ColorizeInput, ColorizeResult, ColorizeRuntimeOptions, ProgressEvent } from '../pipeline/types.js';
import { HttpError, type ErrorInfo } from './http-errors.js';
import { jobMachine, TERMINAL_STATES, type AbortReason, type JobStateName, type ResultSummary, type RunInput, type RunOutput } from './job-machine.js';
import type { JobHandle, Jobs, JobStats, SubmitOptions, WebhookHook } from './jobs.js';
import type { ResultStore } from './result-store.js';
import { estimateRetryAfter } from './retry-after.js';
import { MAX_TIMER_MS } from './settings.js';

/** The library's colorize for settings the server parsed once (checkSubmission), with the job's signal and progress. */
export type ColorizeFn = (input: ColorizeInput, options: ColorizeSettings & Pick<ColorizeRuntimeOptions, 'signal' | 'onProgress'>) => Promise<ColorizeResult>;

export interface JobQueueOptions {
  colorize: ColorizeFn;
  store: ResultStore;
  concurrency: number;
  /** Waiting jobs beyond the running ones. */
  queueSize: number;
  resultsTtlMs: number;
  resultsMaxBytes: number;
  /** Run-time limit per job; 0 = none. */
  timeoutMs: number;
  /** Errors the queue cannot report to a client (store cleanup). */
  onBackgroundError?: (error: unknown, jobId: string) => void;
  /** Sends the final state of jobs submitted with a webhook. */
  webhook?: WebhookHook;
}

/** A job as clients see it (the HTTP layer adds links). */
export interface JobView {
  id: string;
  state: JobStateName;
  /** 1-based place in the queue while queued. */
  position: number | null;
  progress: ProgressEvent | null;
  cancelRequested: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  expiresAt: string | null;
  error: ErrorInfo | null;
  result: ResultSummary | null;
}

export type JobEventName = 'state' | 'progress' | 'done' | 'failed' | 'cancelled';

/** One server-sent event of a job; `seq` is its SSE id, increasing per job. */
export interface JobEventRecord {
  seq: number;
  event: JobEventName;
  data: JobView | ProgressEvent;
}

type JobActor = Actor<typeof jobMachine>;

/** Events kept per job for Last-Event-ID replay; a long run's oldest progress events go first. */
export const EVENT_LOG_LIMIT = 1000;

export class Job implements JobHandle {
  readonly createdAt = new Date();
  startedAt: Date | null = null;
  finishedAt: Date | null = null;
  expiresAt: Date | null = null;
  expiryTimer: NodeJS.Timeout | null = null;
  readonly events: JobEventRecord[] = [];
  readonly listeners = new Set<(event: JobEventRecord) => void>();
  lastState: JobStateName = 'queued';
  lastProgress: ProgressEvent | null = null;
  seq = 0;
  readonly settled: Promise<JobStateName>;
  resolveSettled!: (state: JobStateName) => void;

  constructor(
    readonly id: string,
    readonly actor: JobActor,
    /** False for synchronous requests: the caller takes the result and removes the job. */
    readonly retain: boolean,
    /** Gets the final state once the job ends. */
    readonly webhook?: string,
  ) {
    this.settled = new Promise((resolve) => (this.resolveSettled = resolve));
  }

  get state(): JobStateName {
    return this.actor.getSnapshot().value as JobStateName;
  }

  get terminal(): boolean {
    return TERMINAL_STATES.has(this.state);
  }
}

/**
 * Bounded FIFO of job actors with `concurrency` workers. Finished jobs stay for `resultsTtlMs`
 * (and within `resultsMaxBytes`), then they and their images are deleted.
 */
export class JobQueue implements Jobs {
  readonly #options: JobQueueOptions;
  readonly #jobs = new Map<string, Job>();
  readonly #waiting: Job[] = [];
  readonly #machine;
  #running = 0;
  #closing = false;
  #retainedBytes = 0;
  /** Mean run time (EMA), for Retry-After. */
  #meanRunMs: number | null = null;

  constructor(options: JobQueueOptions) {
    this.#options = options;
    const { colorize, store } = options;
    this.#machine = jobMachine.provide({
      actors: {
        run: fromPromise<RunOutput, RunInput>(async ({ input, signal }) => {
          // The actor's own signal fires if the job actor is stopped; the input's on cancel/timeout.
          const result = await colorize(input.image, {
            ...input.options,
            signal: AbortSignal.any([signal, input.signal]),
            onProgress: input.onProgress,
          });
          const summary = summarize(result);
          if (!input.retain) return { summary, samples: result.samples };
          await store.put(input.jobId, result.samples);
          return { summary, samples: null };
        }),
      },
    });
  }

  get closing(): boolean {
    return this.#closing;
  }

  stats(): JobStats {
    return {
      queued: this.#waiting.length,
      running: this.#running,
      retained: this.#jobs.size - this.#waiting.length - this.#running,
      retainedBytes: this.#retainedBytes,
      concurrency: this.#options.concurrency,
      queueSize: this.#options.queueSize,
    };
  }

  hasRoom(): boolean {
    return !this.#closing && (this.#running < this.#options.concurrency || this.#waiting.length < this.#options.queueSize);
  }

  /** Seconds a refused client should wait: the queue's drain time from measured run times, 1..300. */
  retryAfterSeconds(): number {
    const now = Date.now();
    const runningElapsedMs = [...this.#jobs.values()].filter((job) => job.lastState === 'running' && job.startedAt !== null).map((job) => now - job.startedAt!.getTime());
    return estimateRetryAfter({ meanRunMs: this.#meanRunMs, runningElapsedMs, waiting: this.#waiting.length, concurrency: this.#options.concurrency });
  }

  /** Queues a job, or throws 503 (queue full or shutting down) with Retry-After. */
  submit(image: Buffer, options: ColorizeSettings, { retain = true, webhook }: SubmitOptions = {}): Job {
    if (this.#closing) {
      throw new HttpError(503, 'SHUTTING_DOWN', 'the server is shutting down', undefined, { 'retry-after': '30' });
    }
    if (!this.hasRoom()) {
      const retryAfter = this.retryAfterSeconds();
      throw new HttpError(503, 'QUEUE_FULL', `the queue is full (${this.#options.queueSize} waiting); retry after ${retryAfter} s`, { retryAfterSeconds: retryAfter }, { 'retry-after': String(retryAfter) });
    }
    const id = nanoid(); // 126 random bits: unguessable, URL-safe.
    const timeoutMs = this.#options.timeoutMs > 0 ? Math.min(this.#options.timeoutMs, MAX_TIMER_MS) : MAX_TIMER_MS;
    const actor = createActor(this.#machine, { input: { id, image, options, timeoutMs, retain } });
    const job = new Job(id, actor, retain, webhook);
    this.#jobs.set(id, job);
    this.#waiting.push(job);
    actor.subscribe({ next: () => this.#onChange(job), error: (error) => this.#onActorError(job, error) });
    actor.start();
    this.#emit(job, 'state', this.view(job));
    this.#pump();
    return job;
  }

  get(id: string): Job | undefined {
    return this.#jobs.get(id);
  }

  list(): JobView[] {
    return [...this.#jobs.values()].filter((job) => job.retain).map((job) => this.view(job));
  }

  /** Requests a cancel; queued jobs end at once, running ones before their next model call. */
  cancel(job: Job, reason: AbortReason = 'client'): void {
    if (job.terminal) return;
    job.actor.send({ type: 'CANCEL', reason });
  }

  /** Forgets a job and deletes its images (resolves once they are gone; failures are only logged). */
  remove(job: Job): Promise<void> {
    if (!job.terminal) this.cancel(job);
    if (job.expiryTimer) clearTimeout(job.expiryTimer);
    if (this.#jobs.get(job.id) !== job) return Promise.resolve();
    this.#jobs.delete(job.id);
    const summary = job.actor.getSnapshot().context.output?.summary;
    if (!job.retain || !summary) return Promise.resolve();
    this.#retainedBytes -= summary.samples.reduce((sum, s) => sum + s.bytes, 0);
    return this.#options.store.delete(job.id).catch((error) => this.#options.onBackgroundError?.(error, job.id));
  }

  readSample(job: Job, index: number): Promise<Buffer | undefined> {
    return this.#options.store.get(job.id, index);
  }

  getResult(job: Job): RunOutput | null {
    return job.actor.getSnapshot().context.output;
  }

  view(job: Job): JobView {
    const snapshot = job.actor.getSnapshot();
    const { context } = snapshot;
    const state = snapshot.value as JobStateName;
    const index = state === 'queued' ? this.#waiting.indexOf(job) : -1;
    return {
      id: job.id,
      state,
      position: index >= 0 ? index + 1 : null,
      progress: context.progress,
      cancelRequested: context.abortReason !== null && state === 'running',
      createdAt: job.createdAt.toISOString(),
      startedAt: job.startedAt?.toISOString() ?? null,
      finishedAt: job.finishedAt?.toISOString() ?? null,
      expiresAt: job.expiresAt?.toISOString() ?? null,
      error: context.error,
      result: context.output?.summary ?? null,
    };
  }

  /** Live events of a job; returns the unsubscribe function. */
  subscribe(job: Job, listener: (event: JobEventRecord) => void): () => void {
    job.listeners.add(listener);
    return () => job.listeners.delete(listener);
  }

  /**
   * Stops taking jobs, cancels queued ones, gives running ones `graceMs` to finish, cancels
   * the rest, then deletes every result. Resolves when no job runs (or `forceMs` later).
   */
  async shutdown(graceMs: number, forceMs = 5_000): Promise<void> {
    this.#closing = true;
    for (const job of [...this.#waiting]) this.cancel(job, 'shutdown');
    const running = () => [...this.#jobs.values()].filter((job) => !job.terminal);
    await settleWithin(running().map((job) => job.settled), graceMs);
    for (const job of running()) this.cancel(job, 'shutdown');
    await settleWithin(running().map((job) => job.settled), forceMs);
    for (const job of [...this.#jobs.values()]) {
      if (job.expiryTimer) clearTimeout(job.expiryTimer);
      job.actor.stop();
    }
    this.#jobs.clear();
    this.#retainedBytes = 0;
    await this.#options.store.close();
  }

  #pump(): void {
    while (this.#running < this.#options.concurrency && this.#waiting.length > 0) {
      const job = this.#waiting.shift()!;
      this.#running += 1;
      job.startedAt = new Date();
      job.actor.send({ type: 'START' });
    }
  }

  #onChange(job: Job): void {
    const snapshot = job.actor.getSnapshot();
    const state = snapshot.value as JobStateName;
    if (state !== job.lastState) {
      const previous = job.lastState;
      job.lastState = state;
      if (previous === 'queued') {
        const at = this.#waiting.indexOf(job);
        if (at >= 0) this.#waiting.splice(at, 1);
      }
      if (TERMINAL_STATES.has(state)) this.#finish(job, previous);
      else this.#emit(job, 'state', this.view(job));
      return;
    }
    const progress = snapshot.context.progress;
    if (progress !== job.lastProgress && progress !== null) {
      job.lastProgress = progress;
      this.#emit(job, 'progress', progress);
    }
  }

  #finish(job: Job, previous: JobStateName): void {
    job.finishedAt = new Date();
    if (previous === 'running') {
      this.#running -= 1;
      const ms = job.finishedAt.getTime() - (job.startedAt?.getTime() ?? job.finishedAt.getTime());
      this.#meanRunMs = this.#meanRunMs === null ? ms : 0.8 * this.#meanRunMs + 0.2 * ms;
    }
    if (job.retain && !this.#closing) {
      job.expiresAt = new Date(job.finishedAt.getTime() + this.#options.resultsTtlMs);
      job.expiryTimer = setTimeout(() => void this.remove(job), Math.min(this.#options.resultsTtlMs, MAX_TIMER_MS));
      job.expiryTimer.unref(); // a pending expiry must not keep the process alive
      const summary = job.actor.getSnapshot().context.output?.summary;
      if (summary) this.#retainedBytes += summary.samples.reduce((sum, s) => sum + s.bytes, 0);
      this.#evictOverBudget(job);
    }
    const view = this.view(job);
    this.#emit(job, job.state as JobEventName, view);
    if (job.webhook !== undefined) this.#options.webhook?.(job.webhook, view);
    job.listeners.clear();
    job.resolveSettled(job.state);
    this.#pump();
  }

  /** Drops the oldest finished jobs while results exceed the byte budget (never the one just finished). */
  #evictOverBudget(keep: Job): void {
    if (this.#retainedBytes <= this.#options.resultsMaxBytes) return;
    for (const job of [...this.#jobs.values()]) {
      if (this.#retainedBytes <= this.#options.resultsMaxBytes) break;
      if (job !== keep && job.retain && job.terminal) void this.remove(job);
    }
  }

  #onActorError(job: Job, error: unknown): void {
    // The machine handles run errors itself; this only fires on a bug in the machine.
    this.#options.onBackgroundError?.(error, job.id);
  }

  #emit(job: Job, event: JobEventName, data: JobView | ProgressEvent): void {
    const record: JobEventRecord = { seq: ++job.seq, event, data };
    job.events.push(record);
    if (job.events.length > EVENT_LOG_LIMIT) {
      const at = job.events.findIndex((e) => e.event === 'progress');
      job.events.splice(at >= 0 ? at : 0, 1);
    }
    for (const listener of job.listeners) listener(record);
  }
}

/** A run's result without its image buffers: what status and events show. */
export function summarize(result: ColorizeResult): ResultSummary {
  return {
    width: result.width,
    height: result.height,
    seed: result.seed,
    steps: result.steps,
    scheduler: result.scheduler,
    guidance: result.guidance,
    temperature: result.temperature,
    anchor: result.anchor,
    model: result.model,
    prompt: { text: result.prompt.text, negative: result.prompt.negative, understood: [...result.prompt.understood] },
    timings: { ...result.timings },
    samples: result.samples.map((s) => ({ index: s.index, seed: s.seed, format: s.format, width: s.width, height: s.height, bytes: s.image.length })),
  };
}

async function settleWithin(promises: Promise<unknown>[], ms: number): Promise<void> {
  if (promises.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(promises), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
