import type { ColorizedSample } from '../pipeline/types.js';
import { TERMINAL_STATES, type JobStateName } from '../server/job-machine.js';
import type { JobEventRecord, JobView } from '../server/job-queue.js';
import type { JobHandle } from '../server/jobs.js';

/** An API process's copy of one Redis-mode job, kept current from its event log. */
export class MirrorJob implements JobHandle {
  readonly events: JobEventRecord[] = [];
  seq = 0;
  view: JobView;
  expiresAt: Date | null = null;
  expiryTimer: NodeJS.Timeout | null = null;
  readonly listeners = new Set<(event: JobEventRecord) => void>();
  /** Synchronous requests (POST /v1/colorize) submitted by this process: the images, once loaded. */
  samples: ColorizedSample[] | null = null;
  /** Submitted here with retain false: this process loads the images and removes the job. */
  waitedHere = false;
  /** Where the final state goes (from the record). */
  webhook: string | undefined;
  readonly settled: Promise<JobStateName>;
  resolveSettled!: (state: JobStateName) => void;
  #settledOnce = false;

  constructor(
    readonly id: string,
    view: JobView,
    readonly retain: boolean,
  ) {
    this.view = view;
    this.settled = new Promise((resolve) => (this.resolveSettled = resolve));
  }

  /** Final for clients once settled (for a synchronous request: once its images are here). */
  get terminal(): boolean {
    return this.#settledOnce;
  }

  get finalInLog(): boolean {
    return TERMINAL_STATES.has(this.view.state);
  }

  settle(): void {
    if (this.#settledOnce) return;
    this.#settledOnce = true;
    this.resolveSettled(this.view.state);
  }
}
