import type { ColorizeFn, JobQueue } from './job-queue.js';
import type { ServerSettings } from './settings.js';
import type { ProbeFn, SubmissionChecks } from './submission.js';

/** A model pack as the library lists it: name, folder, and its manifest's public fields. */
export type ModelInfo = { name: string; path?: string } & Record<string, unknown>;

/** What the server needs from the library; tests pass fakes, `serve` passes the real pipeline. */
export interface ServerDependencies {
  colorize: ColorizeFn;
  listModels?: () => Promise<ModelInfo[]>;
  /** Header-only image check (src/image `probeImage`): 422 before queueing instead of a failed job. */
  probe?: ProbeFn;
  /** Re-tones a finished sample (library `adjustStrength`): GET …/samples/n?strength=s. */
  adjustStrength?: (image: Buffer, factor: number) => Promise<Buffer>;
  /** Resolves once the server can work well (e.g. the default pack is loaded); /readyz is 503 until then. */
  warmup?: () => Promise<void>;
}

/** Shared by the route modules of one server. */
export interface ServerContext {
  settings: ServerSettings;
  jobs: JobQueue;
  checks: SubmissionChecks;
  listModels: () => Promise<ModelInfo[]>;
  adjustStrength?: ServerDependencies['adjustStrength'];
  readiness: { warmedUp: boolean; warmupError: string | null };
  version: string;
  startedAt: number;
}
