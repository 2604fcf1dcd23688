import type { FastifyBaseLogger } from 'fastify';
import type { ColorizeFn } from './job-queue.js';
import type { Jobs, WebhookHook } from './jobs.js';
import type { ServerSettings } from './settings.js';
import type { ProbeFn, SubmissionChecks } from './submission.js';

/** A model pack as the library lists it: name, folder, and its manifest's public fields. */
export type ModelInfo = { name: string; path?: string } & Record<string, unknown>;

/** What the server needs from the library; tests pass fakes, `serve` passes the real pipeline. */
export interface ServerDependencies {
  /** Runs jobs in this process (the single-process server); required unless `jobs` is given. */
  colorize?: ColorizeFn;
  /** Jobs run elsewhere (Redis mode, src/queue): the server only submits, mirrors and serves them. */
  jobs?: (settings: ServerSettings, log: FastifyBaseLogger, hooks: { webhook?: WebhookHook }) => Promise<Jobs>;
  listModels?: () => Promise<ModelInfo[]>;
  /** Header-only image check (src/image `probeImage`): 422 before queueing instead of a failed job. */
  probe?: ProbeFn;
  /** Re-tones a finished sample (library `adjustStrength`): GET …/samples/n?strength=s. */
  adjustStrength?: (image: Buffer, factor: number) => Promise<Buffer>;
  /** Resolves once the server can work well (e.g. the default pack is loaded); /readyz is 503 until then. */
  warmup?: () => Promise<void>;
  /** Releases what the dependencies hold (worker threads); called once every job has ended. */
  close?: () => Promise<void>;
}

/** Shared by the route modules of one server. */
export interface ServerContext {
  settings: ServerSettings;
  jobs: Jobs;
  checks: SubmissionChecks;
  listModels: () => Promise<ModelInfo[]>;
  adjustStrength?: ServerDependencies['adjustStrength'];
  readiness: { warmedUp: boolean; warmupError: string | null };
  version: string;
  startedAt: number;
}
