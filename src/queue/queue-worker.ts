import { hostname } from 'node:os';
import { WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { isColorWizardError } from '../errors/index.js';
import type { ProgressEvent } from '../pipeline/types.js';
import { validateOptions } from '../pipeline/validate-options.js';
import { errorInfo, type ErrorInfo } from '../server/http-errors.js';
import { CANCEL_MESSAGES, timeoutError, type AbortReason, type JobStateName } from '../server/job-machine.js';
import { EVENT_LOG_LIMIT, summarize, type JobEventName } from '../server/job-queue.js';
import { MAX_TIMER_MS } from '../server/settings.js';
import type { ColorizeWorkers } from '../workers/index.js';
import { connectRedis, redisClient } from './connect-redis.js';
import type { JobFileStore } from './job-file-store.js';
import { appendEvent, ControlMessageSchema, EXPIRY_MARGIN_MS, queueKeys, readRecord, recordView, type JobRecord, type QueueKeys } from './job-record.js';
import type { WorkerSettings } from './queue-settings.js';
import type { QueueLog } from './stderr-log.js';
import { throttledErrorLog } from './redis-jobs.js';

export interface QueueWorkerOptions extends WorkerSettings {
  store: JobFileStore;
  workers: ColorizeWorkers;
  log: QueueLog;
}

/** A worker's own reason to stop a run: SIGTERM past the grace time hands the job back. */
type StopReason = AbortReason | 'hand-back';

interface Running {
  controller: AbortController;
}

/**
 * `color-wizard worker`: takes jobs from the BullMQ queue and runs them through ColorizeWorkers
 * (worker threads, one per --concurrency slot). Cancels arrive by pub/sub and abort the run
 * before its next model call. BullMQ holds a lock per job that this process renews; when it
 * dies (SIGKILL) the lock runs out and another worker's stalled-job check puts the job back,
 * up to maxRetries times. SIGTERM drains: running jobs finish, or go back to the queue.
 */
export class QueueWorker {
  readonly name = `${hostname()}:${process.pid}`;
  readonly #options: QueueWorkerOptions;
  readonly #keys: QueueKeys;
  readonly #redis: Redis;
  readonly #subscriber: Redis;
  readonly #bullConnection: Redis;
  #worker: Worker | undefined;
  readonly #running = new Map<string, Running>();
  #runLoop: Promise<void> | undefined;

  constructor(options: QueueWorkerOptions) {
    this.#options = options;
    this.#keys = queueKeys(options.queueName);
    const onError = throttledErrorLog(options.log);
    // Commands wait through a Redis outage: a finished job's result must not be lost to a blip.
    this.#redis = redisClient(options.redisUrl, 'patient', onError);
    this.#subscriber = redisClient(options.redisUrl, 'patient', onError);
    this.#bullConnection = redisClient(options.redisUrl, 'patient', onError);
  }

  /** Connects (a QueueError when Redis is unreachable), loads the model in every thread, then takes jobs. */
  async start(): Promise<void> {
    const timeoutMs = this.#options.connectTimeoutSeconds * 1000;
    try {
      for (const client of [this.#redis, this.#subscriber, this.#bullConnection]) await connectRedis(client, this.#options.redisUrl, timeoutMs);
    } catch (error) {
      for (const client of [this.#redis, this.#subscriber, this.#bullConnection]) client.disconnect();
      throw error;
    }
    await this.#subscriber.subscribe(this.#keys.control);
    this.#subscriber.on('message', (_channel: string, text: string) => {
      const message = ControlMessageSchema.safeParse(text);
      if (message.success && message.data.type === 'cancel') this.#running.get(message.data.id)?.controller.abort(message.data.reason);
    });
    await this.#options.workers.warmup(this.#options.model);
    const lockMs = this.#options.lockTimeoutSeconds * 1000;
    this.#worker = new Worker(this.#options.queueName, (job, token) => this.#process(job, token), {
      connection: this.#bullConnection,
      concurrency: this.#options.concurrency,
      autorun: false,
      lockDuration: lockMs,
      // Checked twice per lock time, so a dead worker's job is back within about 1.5 lock times.
      stalledInterval: Math.max(500, Math.floor(lockMs / 2)),
      maxStalledCount: this.#options.maxRetries,
      name: this.name,
    });
    this.#worker.on('error', (error) => this.#options.log.error({ err: error }, 'worker error'));
    this.#worker.on('stalled', (jobId) => this.#options.log.warn({ jobId }, 'job of a dead worker put back in the queue'));
    this.#runLoop = this.#worker.run();
    await this.#worker.waitUntilReady();
    this.#options.log.info({ name: this.name, concurrency: this.#options.concurrency }, 'worker ready');
  }

  /** Jobs running now. */
  get runningJobs(): number {
    return this.#running.size;
  }

  /**
   * Stops taking jobs; running ones get `shutdownGraceSeconds` to finish, then go back to the
   * queue (another worker starts them over). Resolves once every connection is closed.
   */
  async drain(): Promise<void> {
    const worker = this.#worker;
    if (worker !== undefined) {
      const closed = worker.close();
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'grace'>((resolve) => (timer = setTimeout(() => resolve('grace'), this.#options.shutdownGraceSeconds * 1000)));
      if ((await Promise.race([closed.then(() => 'closed' as const), graceOver])) === 'grace') {
        for (const running of this.#running.values()) running.controller.abort('hand-back' satisfies StopReason);
      }
      clearTimeout(timer);
      await closed;
      await this.#runLoop?.catch(() => undefined);
    }
    await this.#options.workers.close();
    for (const client of [this.#subscriber, this.#redis, this.#bullConnection]) await client.quit().catch(() => client.disconnect());
  }

  async #process(bullJob: Job, token: string | undefined): Promise<string> {
    const id = bullJob.id!;
    const record = await readRecord(this.#redis, this.#keys, id);
    // Deleted, or cancelled while it waited: nothing to run.
    if (record === undefined || (record.state !== 'queued' && record.state !== 'running')) return 'skipped';
    const controller = new AbortController();
    this.#running.set(id, { controller });
    try {
      return await this.#run(bullJob, token, id, record, controller);
    } finally {
      this.#running.delete(id);
    }
  }

  async #run(bullJob: Job, token: string | undefined, id: string, record: JobRecord, controller: AbortController): Promise<string> {
    const started: JobRecord = { ...record, state: 'running', startedAt: new Date().toISOString(), attempts: record.attempts + 1, worker: this.name, progress: undefined };
    const startSeq = await this.#append(id, { from: ['queued', 'running'], event: 'state', record: started, fields: { startedAt: started.startedAt, attempts: started.attempts, worker: started.worker } });
    if (startSeq <= 0) return 'skipped';
    void bullJob.updateProgress({ stage: 'loading', fraction: 0 }).catch(() => undefined);
    // A cancel that came before this worker subscribed to it.
    if (record.cancel !== undefined) controller.abort(record.cancel);
    const timer = setTimeout(() => controller.abort('timeout' satisfies StopReason), record.timeoutMs > 0 ? record.timeoutMs : MAX_TIMER_MS);
    timer.unref();

    // Progress is written in order, and the final event after the last of it.
    let progressWrites: Promise<unknown> = Promise.resolve();
    let last: ProgressEvent | undefined;
    const onProgress = (event: ProgressEvent) => {
      last = event;
      progressWrites = progressWrites
        .then(() => this.#append(id, { from: ['running'], event: 'progress', data: event, fields: { progress: event } }))
        .then(() => bullJob.updateProgress(event))
        .catch((error: unknown) => this.#options.log.warn({ err: error, jobId: id }, 'progress not recorded'));
    };

    let outcome: { state: Exclude<JobStateName, 'queued' | 'running'>; fields: Partial<JobRecord> };
    try {
      const image = await this.#options.store.readInput(id);
      // The record crossed a process boundary (Redis): its options are parsed here, once, like an HTTP body's.
      const result = await this.#options.workers.run(image, { ...validateOptions(record.options), signal: controller.signal, onProgress });
      await this.#options.store.putSamples(id, result.samples);
      await this.#options.store.deleteInput(id);
      outcome = { state: 'done', fields: { result: summarize(result) } };
    } catch (error) {
      const reason = controller.signal.aborted ? (controller.signal.reason as StopReason) : undefined;
      if (reason === 'hand-back') {
        await progressWrites;
        return this.#handBack(bullJob, token, id, started);
      }
      outcome = this.#failure(error, reason, record);
    } finally {
      clearTimeout(timer);
    }
    await progressWrites;
    const finishedAt = new Date();
    const ended: JobRecord = {
      ...started,
      ...outcome.fields,
      state: outcome.state,
      progress: last,
      finishedAt: finishedAt.toISOString(),
      expiresAt: new Date(finishedAt.getTime() + record.ttlMs).toISOString(),
    };
    const seq = await this.#append(id, {
      from: ['running'],
      event: outcome.state,
      record: ended,
      fields: { ...outcome.fields, finishedAt: ended.finishedAt, expiresAt: ended.expiresAt },
      expireMs: record.ttlMs + EXPIRY_MARGIN_MS,
    });
    // Refused: another worker took the job over (this one was thought dead) and owns its outcome.
    return seq > 0 ? outcome.state : 'superseded';
  }

  #failure(error: unknown, reason: StopReason | undefined, record: JobRecord): { state: 'failed' | 'cancelled'; fields: Partial<JobRecord> } {
    if (reason === 'timeout') return { state: 'failed', fields: { error: timeoutError(record.timeoutMs) } };
    if (reason === 'client' || reason === 'shutdown' || (isColorWizardError(error) && error.code === 'CANCELLED')) {
      return { state: 'cancelled', fields: { error: { code: 'CANCELLED', message: CANCEL_MESSAGES[reason === 'shutdown' ? 'shutdown' : 'client'] } } };
    }
    const info: ErrorInfo = errorInfo(error);
    if (info.code === 'INTERNAL') this.#options.log.error({ err: error }, 'job failed');
    return { state: 'failed', fields: { error: info } };
  }

  /** Puts a job that was interrupted by SIGTERM back in the queue, as queued again. */
  async #handBack(bullJob: Job, token: string | undefined, id: string, started: JobRecord): Promise<never> {
    const queued: JobRecord = { ...started, state: 'queued', startedAt: undefined, progress: undefined, worker: undefined };
    await this.#append(id, { from: ['running'], event: 'state', record: queued });
    await this.#redis.hdel(this.#keys.job(id), 'startedAt', 'progress', 'worker');
    await bullJob.moveToWait(token);
    this.#options.log.info({ jobId: id }, 'job handed back to the queue (shutting down)');
    throw new WaitingError();
  }

  #append(
    id: string,
    change: { from: JobStateName[]; event: JobEventName; fields?: Partial<JobRecord>; expireMs?: number } & ({ record: JobRecord; data?: undefined } | { data: ProgressEvent; record?: undefined }),
  ): Promise<number> {
    const data = change.record !== undefined ? recordView(id, change.record) : change.data;
    const state = change.record?.state;
    return appendEvent(this.#redis, this.#keys, id, { from: change.from, event: change.event, data, state, fields: change.fields, expireMs: change.expireMs, logLimit: EVENT_LOG_LIMIT });
  }
}
