import type { ColorizeSettings } from '../pipeline/options-schema.js';
import type { AbortReason, JobStateName, RunOutput } from './job-machine.js';
import type { JobEventRecord, JobView } from './job-queue.js';

/** One job as the routes use it: in memory (JobQueue) or mirrored from Redis (src/queue). */
export interface JobHandle {
  readonly id: string;
  readonly terminal: boolean;
  /** Resolves with the final state. */
  readonly settled: Promise<JobStateName>;
  /** Events kept for Last-Event-ID replay, in `seq` order. */
  readonly events: readonly JobEventRecord[];
  /** The last event's seq. */
  readonly seq: number;
  readonly expiresAt: Date | null;
}

export interface SubmitOptions {
  /** False for synchronous requests: the caller takes the result and removes the job. */
  retain?: boolean;
  webhook?: string;
}

/**
 * Told once when a job that named a webhook has ended, with its final view (create-server signs and
 * sends it). In Redis mode one API process of the cluster is told, whichever claims the delivery.
 */
export type WebhookHook = (url: string, view: JobView) => void;

export interface JobStats {
  queued: number;
  running: number;
  retained: number;
  retainedBytes: number;
  concurrency: number;
  queueSize: number;
}

/**
 * The jobs behind /v1/colorizations. The single-process server's JobQueue runs them itself; in
 * Redis mode (`serve --redis`) they run on queue workers and this process only mirrors them.
 */
export interface Jobs {
  readonly closing: boolean;
  stats(): JobStats;
  hasRoom(): boolean;
  /** Seconds a refused client should wait, 1..300. */
  retryAfterSeconds(): number;
  /**
   * Queues a job or throws an HttpError (503 with Retry-After when full or unavailable). `webhook` (checked
   * by the caller against the operator's allowed hosts) gets the job's final state once it ends.
   */
  submit(image: Buffer, options: ColorizeSettings, opts?: SubmitOptions): JobHandle | Promise<JobHandle>;
  get(id: string): JobHandle | undefined;
  /** Every job clients can see (not the synchronous requests' own), in no particular order. */
  list(): JobView[];
  /** Queued jobs end at once, running ones before their next model call. */
  cancel(job: JobHandle, reason?: AbortReason): void;
  remove(job: JobHandle): Promise<void>;
  readSample(job: JobHandle, index: number): Promise<Buffer | undefined>;
  /** A finished synchronous job's summary and images (null until it is done). */
  getResult(job: JobHandle): RunOutput | null;
  view(job: JobHandle): JobView;
  subscribe(job: JobHandle, listener: (event: JobEventRecord) => void): () => void;
  shutdown(graceMs: number): Promise<void>;
  /** Why no job can be queued now although the server is up (e.g. Redis unreachable), or undefined. */
  unavailable?(): string | undefined;
}
