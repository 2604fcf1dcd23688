import { hostname } from 'node:os';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { nanoid } from 'nanoid';
import type { ColorizeSettings } from '../pipeline/options-schema.js';
import { HttpError } from '../server/http-errors.js';
import { CANCEL_MESSAGES, timeoutError, type AbortReason } from '../server/job-machine.js';
import { EVENT_LOG_LIMIT, type JobEventRecord, type JobView } from '../server/job-queue.js';
import type { JobHandle, Jobs, JobStats, SubmitOptions, WebhookHook } from '../server/jobs.js';
import type { RunOutput } from '../server/job-machine.js';
import { estimateRetryAfter } from '../server/retry-after.js';
import { MAX_TIMER_MS } from '../server/settings.js';
import { connectRedis, redisClient } from './connect-redis.js';
import type { JobFileStore } from './job-file-store.js';
import { appendEvent, ControlMessageSchema, EXPIRY_MARGIN_MS, LogEntrySchema, queueKeys, readRecord, recordFields, recordView, type JobRecord, type QueueKeys } from './job-record.js';
import { MirrorJob } from './mirror-job.js';
import type { QueueSettings } from './queue-settings.js';
import type { QueueLog } from './stderr-log.js';

export interface RedisJobsOptions extends QueueSettings {
  store: JobFileStore;
  queueSize: number;
  resultsTtlMs: number;
  resultsMaxBytes: number;
  /** Run-time limit per job (the worker enforces it); 0 = none. */
  timeoutMs: number;
  log: QueueLog;
  /** Sends a finished job's webhook; called in one API process per job (the one that claims it). */
  webhook?: WebhookHook;
}

/** Catch-up for events a QueueEvents reader may have missed (reconnects, another API's submits). */
const RESYNC_MS = 3_000;
/** Orphaned files (a submit that died before its record) are swept this often, once this old. */
const SWEEP_MS = 60_000;
const SWEEP_GRACE_MS = 60_000;
/** A queued or running record whose BullMQ job is gone for this long was lost (e.g. an API died mid-submit). */
const LOST_AFTER_MS = 30_000;
const UNREACHABLE = 'the job queue (Redis) is unreachable';

const SET_CANCEL_SCRIPT = `if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HSET', KEYS[1], 'cancel', ARGV[1]) end return 0`;

const unreachableError = (): HttpError => new HttpError(503, 'NOT_READY', `${UNREACHABLE}; retry later`, { reason: UNREACHABLE }, { 'retry-after': '5' });

/**
 * The API role's jobs (`serve --redis`): submits go to a BullMQ queue that workers on any
 * machine take from; state, progress and events come back through Redis. Each API process
 * mirrors every job in memory (from the event logs, woken by BullMQ's QueueEvents), so status,
 * SSE and Retry-After answer without a Redis round trip, and a restarted API rebuilds the mirror
 * from Redis: no job is lost with it.
 */
export class RedisJobs implements Jobs {
  readonly #options: RedisJobsOptions;
  readonly #keys: QueueKeys;
  readonly #redis: Redis;
  readonly #subscriber: Redis;
  readonly #queue: Queue;
  readonly #events: QueueEvents;
  /** Every connection this object opened (BullMQ does not close connections it was given). */
  readonly #clients: Redis[];
  readonly #jobs = new Map<string, MirrorJob>();
  readonly #syncs = new Map<string, Promise<void>>();
  readonly #timers: NodeJS.Timeout[] = [];
  #closing = false;
  /** Set once shutdown has waited for its own jobs: nothing is followed after it. */
  #stopped = false;
  #retainedBytes = 0;
  #meanRunMs: number | null = null;
  #workers = 0;
  #lastErrorAt = 0;

  private constructor(options: RedisJobsOptions, clients: { redis: Redis; subscriber: Redis; events: Redis; queue: Redis }) {
    this.#options = options;
    this.#keys = queueKeys(options.queueName);
    this.#redis = clients.redis;
    this.#subscriber = clients.subscriber;
    this.#queue = new Queue(options.queueName, { connection: clients.queue });
    this.#events = new QueueEvents(options.queueName, { connection: clients.events, autorun: false });
    this.#clients = Object.values(clients);
  }

  /** Connects (a QueueError when Redis is unreachable), loads every job Redis holds, and follows them. */
  static async connect(options: RedisJobsOptions): Promise<RedisJobs> {
    const onError = throttledErrorLog(options.log);
    const clients = {
      redis: redisClient(options.redisUrl, 'fail-fast', onError),
      subscriber: redisClient(options.redisUrl, 'patient', onError),
      events: redisClient(options.redisUrl, 'patient', onError),
      queue: redisClient(options.redisUrl, 'patient', onError),
    };
    const timeoutMs = options.connectTimeoutSeconds * 1000;
    try {
      await connectRedis(clients.redis, options.redisUrl, timeoutMs);
      await Promise.all([clients.subscriber, clients.events, clients.queue].map((client) => connectRedis(client, options.redisUrl, timeoutMs)));
    } catch (error) {
      for (const client of Object.values(clients)) client.disconnect();
      throw error;
    }
    const jobs = new RedisJobs(options, clients);
    await jobs.#start();
    return jobs;
  }

  async #start(): Promise<void> {
    for (const name of ['waiting', 'active', 'progress', 'completed', 'failed', 'removed', 'stalled'] as const) {
      this.#events.on(name, (event: { jobId: string }) => this.#sync(event.jobId));
    }
    // BullMQ fails a job whose workers died too often; the record is not told by a worker then.
    this.#events.on('failed', ({ jobId, failedReason }: { jobId: string; failedReason: string }) => void this.#markLost(jobId, failedReason));
    void this.#events.run().catch((error: unknown) => this.#options.log.error({ err: error }, 'queue events stopped'));
    await this.#events.waitUntilReady();
    await this.#subscriber.subscribe(this.#keys.control);
    this.#subscriber.on('message', (_channel: string, text: string) => {
      const message = ControlMessageSchema.safeParse(text);
      if (message.success && message.data.type === 'removed') this.#forget(message.data.id);
    });
    // After an outage, catch up at once rather than at the next round.
    this.#redis.on('ready', () => void this.#resync());
    await this.#resync();
    const every = (ms: number, run: () => Promise<unknown>) => {
      const timer = setInterval(() => void run().catch((error: unknown) => this.#backgroundError(error)), ms);
      timer.unref();
      this.#timers.push(timer);
    };
    every(RESYNC_MS, () => this.#resync());
    every(SWEEP_MS, () => this.#sweep());
    await this.#sweep();
  }

  get closing(): boolean {
    return this.#closing;
  }

  unavailable(): string | undefined {
    return this.#redis.status === 'ready' ? undefined : UNREACHABLE;
  }

  stats(): JobStats {
    let queued = 0;
    let running = 0;
    let retained = 0;
    for (const job of this.#jobs.values()) {
      if (job.view.state === 'queued') queued += 1;
      else if (job.view.state === 'running') running += 1;
      else retained += 1;
    }
    return { queued, running, retained, retainedBytes: this.#retainedBytes, concurrency: this.#workers, queueSize: this.#options.queueSize };
  }

  hasRoom(): boolean {
    return !this.#closing && this.stats().queued < this.#options.queueSize;
  }

  retryAfterSeconds(): number {
    const now = Date.now();
    const running = [...this.#jobs.values()].filter((job) => job.view.state === 'running' && job.view.startedAt !== null);
    const stats = this.stats();
    return estimateRetryAfter({
      meanRunMs: this.#meanRunMs,
      runningElapsedMs: running.map((job) => now - Date.parse(job.view.startedAt!)),
      waiting: stats.queued,
      // Busy workers are at least the running jobs; idle ones do not shorten a full queue.
      concurrency: Math.max(1, stats.running, this.#workers),
    });
  }

  async submit(image: Buffer, options: ColorizeSettings, { retain = true, webhook }: SubmitOptions = {}): Promise<JobHandle> {
    if (this.#closing) throw new HttpError(503, 'SHUTTING_DOWN', 'the server is shutting down', undefined, { 'retry-after': '30' });
    if (this.unavailable() !== undefined) throw unreachableError();
    if (!this.hasRoom()) {
      const retryAfter = this.retryAfterSeconds();
      throw new HttpError(503, 'QUEUE_FULL', `the queue is full (${this.#options.queueSize} waiting); retry after ${retryAfter} s`, { retryAfterSeconds: retryAfter }, { 'retry-after': String(retryAfter) });
    }
    const id = nanoid();
    const record: JobRecord = {
      state: 'queued',
      createdAt: new Date().toISOString(),
      options: options as Record<string, unknown>,
      retain,
      timeoutMs: this.#options.timeoutMs > 0 ? Math.min(this.#options.timeoutMs, MAX_TIMER_MS) : 0,
      ttlMs: this.#options.resultsTtlMs,
      attempts: 0,
      ...(webhook === undefined ? {} : { webhook }),
    };
    const view: JobView = { ...recordView(id, record), position: this.stats().queued + 1 };
    try {
      // Bytes first, then the record, then the queue entry: a worker never meets a job without its input.
      await this.#options.store.putInput(id, image);
      await this.#redis
        .multi()
        .hset(this.#keys.job(id), recordFields(record))
        .rpush(this.#keys.log(id), JSON.stringify({ event: 'state', data: view }))
        .sadd(this.#keys.index, id)
        .exec();
      await this.#queue.add('colorize', { id }, { jobId: id, removeOnComplete: true, removeOnFail: { age: Math.ceil(this.#options.resultsTtlMs / 1000) } });
    } catch (error) {
      this.#options.log.error({ err: error, jobId: id }, 'submit failed');
      void this.#redis.multi().del(this.#keys.job(id), this.#keys.log(id)).srem(this.#keys.index, id).exec().catch(() => undefined);
      void this.#options.store.delete(id).catch(() => undefined);
      if (error instanceof HttpError) throw error;
      // An unwritable results folder is the operator's to fix, like an unreachable Redis.
      throw this.unavailable() !== undefined ? unreachableError() : new HttpError(503, 'NOT_READY', `the job could not be queued: ${(error as Error).message}`, undefined, { 'retry-after': '5' });
    }
    let job = this.#jobs.get(id);
    if (job === undefined) {
      job = new MirrorJob(id, view, retain);
      job.webhook = webhook;
      this.#jobs.set(id, job);
      this.#apply(job, { event: 'state', data: view });
    }
    job.waitedHere = !retain;
    return job;
  }

  get(id: string): JobHandle | undefined {
    return this.#jobs.get(id);
  }

  list(): JobView[] {
    return [...this.#jobs.values()].filter((job) => job.retain).map((job) => this.view(job));
  }

  cancel(handle: JobHandle, reason: AbortReason = 'client'): void {
    const job = handle as MirrorJob;
    if (job.finalInLog) return;
    void this.#cancel(job, reason).catch((error: unknown) => this.#backgroundError(error, job.id));
  }

  async #cancel(job: MirrorJob, reason: AbortReason): Promise<void> {
    const finishedAt = new Date();
    const expiresAt = new Date(finishedAt.getTime() + this.#options.resultsTtlMs);
    const error = reason === 'timeout' ? timeoutError(this.#options.timeoutMs) : { code: 'CANCELLED' as const, message: CANCEL_MESSAGES[reason] };
    const state = reason === 'timeout' ? 'failed' : 'cancelled';
    const ended: JobView = { ...job.view, state, position: null, finishedAt: finishedAt.toISOString(), expiresAt: expiresAt.toISOString(), error };
    // A queued job ends here at once; if a worker took it meanwhile, the script refuses and the worker is told.
    const seq = await appendEvent(this.#redis, this.#keys, job.id, {
      from: ['queued'],
      event: state,
      data: ended,
      state,
      fields: { finishedAt: ended.finishedAt!, expiresAt: ended.expiresAt!, error, cancel: reason },
      expireMs: this.#options.resultsTtlMs + EXPIRY_MARGIN_MS,
      logLimit: EVENT_LOG_LIMIT,
    });
    if (seq > 0) {
      await this.#queue.remove(job.id).catch(() => undefined);
      await this.#sync(job.id);
      return;
    }
    if (job.view.state === 'running') job.view = { ...job.view, cancelRequested: true };
    // Only on a record that still exists: a bare hash would never expire.
    await this.#redis.eval(SET_CANCEL_SCRIPT, 1, this.#keys.job(job.id), reason);
    await this.#redis.publish(this.#keys.control, JSON.stringify({ type: 'cancel', id: job.id, reason }));
  }

  async remove(handle: JobHandle): Promise<void> {
    const job = handle as MirrorJob;
    if (!job.finalInLog) this.cancel(job);
    if (this.#jobs.get(job.id) !== job) return;
    this.#forget(job.id);
    const id = job.id;
    await Promise.all([
      this.#redis.multi().del(this.#keys.job(id), this.#keys.log(id)).srem(this.#keys.index, id).exec(),
      this.#options.store.delete(id),
      this.#queue.remove(id).catch(() => undefined),
      this.#redis.publish(this.#keys.control, JSON.stringify({ type: 'removed', id })),
    ]).catch((error: unknown) => this.#backgroundError(error, id));
  }

  async readSample(handle: JobHandle, index: number): Promise<Buffer | undefined> {
    const job = handle as MirrorJob;
    const sample = job.view.result?.samples.find((s) => s.index === index);
    return sample === undefined ? undefined : this.#options.store.readSample(job.id, index, sample.format);
  }

  getResult(handle: JobHandle): RunOutput | null {
    const job = handle as MirrorJob;
    return job.view.result === null ? null : { summary: job.view.result, samples: job.samples };
  }

  view(handle: JobHandle): JobView {
    const job = handle as MirrorJob;
    if (job.view.state !== 'queued') return job.view;
    // FIFO like BullMQ's wait list: the place among queued jobs by submit time.
    let position = 1;
    for (const other of this.#jobs.values()) if (other.view.state === 'queued' && other.view.createdAt < job.view.createdAt) position += 1;
    return { ...job.view, position };
  }

  subscribe(handle: JobHandle, listener: (event: JobEventRecord) => void): () => void {
    const job = handle as MirrorJob;
    job.listeners.add(listener);
    return () => job.listeners.delete(listener);
  }

  /**
   * Stops this API process only: queued and running jobs belong to the cluster and go on (another
   * or a restarted API serves them). Synchronous requests waited on here are cancelled, since
   * their callers are being disconnected.
   */
  async shutdown(graceMs: number): Promise<void> {
    this.#closing = true;
    const waited = [...this.#jobs.values()].filter((job) => job.waitedHere && !job.terminal);
    for (const job of waited) this.cancel(job, 'shutdown');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(waited.map((job) => job.settled)), new Promise((resolve) => (timer = setTimeout(resolve, Math.max(graceMs, 1_000))))]);
    clearTimeout(timer);
    this.#stopped = true;
    for (const timer of this.#timers) clearInterval(timer);
    for (const job of this.#jobs.values()) if (job.expiryTimer) clearTimeout(job.expiryTimer);
    await this.#events.close().catch(() => undefined);
    await this.#queue.close().catch(() => undefined);
    for (const client of this.#clients) await client.quit().catch(() => client.disconnect());
  }

  /** Brings one job up to date with its record and log; calls for one job run one after another. */
  #sync(id: string): Promise<void> {
    const previous = this.#syncs.get(id) ?? Promise.resolve();
    const next = previous
      .then(() => this.#syncNow(id))
      .catch((error: unknown) => this.#backgroundError(error, id))
      .finally(() => {
        if (this.#syncs.get(id) === next) this.#syncs.delete(id);
      });
    this.#syncs.set(id, next);
    return next;
  }

  async #syncNow(id: string): Promise<void> {
    if (this.#stopped) return;
    let job = this.#jobs.get(id);
    if (job === undefined) {
      const record = await readRecord(this.#redis, this.#keys, id);
      if (record === undefined) return;
      job = this.#jobs.get(id) ?? new MirrorJob(id, recordView(id, record), record.retain);
      job.webhook ??= record.webhook;
      this.#jobs.set(id, job);
    }
    const entries = await this.#redis.lrange(this.#keys.log(id), job.seq, -1);
    if (entries.length === 0 && job.seq > 0 && (await this.#redis.exists(this.#keys.job(id))) === 0) {
      this.#forget(id);
      return;
    }
    for (const text of entries) {
      const entry = LogEntrySchema.safeParse(text);
      if (entry.success) this.#apply(job, entry.data as unknown as JobEventRecord);
      else job.seq += 1; // keep seq aligned with the log even past an unreadable entry
    }
  }

  #apply(job: MirrorJob, entry: { event: JobEventRecord['event']; data: JobEventRecord['data'] }): void {
    const record: JobEventRecord = { seq: ++job.seq, event: entry.event, data: entry.data };
    job.events.push(record);
    if (job.events.length > EVENT_LOG_LIMIT) job.events.shift();
    if (entry.event === 'progress') job.view = { ...job.view, progress: entry.data as JobView['progress'] };
    else job.view = entry.data as JobView;
    for (const listener of job.listeners) listener(record);
    if (entry.event !== 'state' && entry.event !== 'progress') void this.#finish(job);
  }

  async #finish(job: MirrorJob): Promise<void> {
    job.listeners.clear();
    const { view } = job;
    if (view.startedAt !== null && view.finishedAt !== null) {
      const ms = Date.parse(view.finishedAt) - Date.parse(view.startedAt);
      this.#meanRunMs = this.#meanRunMs === null ? ms : 0.8 * this.#meanRunMs + 0.2 * ms;
    }
    job.expiresAt = view.expiresAt === null ? new Date(Date.now() + this.#options.resultsTtlMs) : new Date(view.expiresAt);
    job.expiryTimer = setTimeout(() => void this.remove(job), Math.min(MAX_TIMER_MS, Math.max(0, job.expiresAt.getTime() - Date.now())));
    job.expiryTimer.unref();
    if (job.webhook !== undefined && this.#options.webhook !== undefined) void this.#claimWebhook(job, view).catch((error: unknown) => this.#backgroundError(error, job.id));
    if (job.waitedHere && view.state === 'done' && view.result !== null) {
      // The synchronous caller takes the images from memory; the job is removed right after.
      job.samples = await Promise.all(
        view.result.samples.map(async (s) => ({ ...s, image: (await this.#options.store.readSample(job.id, s.index, s.format)) ?? Buffer.alloc(0) })),
      ).catch(() => null);
    } else if (job.retain && view.result !== null) {
      this.#retainedBytes += view.result.samples.reduce((sum, s) => sum + s.bytes, 0);
      this.#evictOverBudget(job);
    }
    job.settle();
  }

  /**
   * Every API process mirrors every job, so each sees it end; the one whose SET NX wins sends the
   * webhook. The claim outlives the job's keys, so an API process that starts later and replays the
   * job's log does not send it again; a job that ended while no API process was up is sent by the
   * first one that comes up.
   */
  async #claimWebhook(job: MirrorJob, view: JobView): Promise<void> {
    const ttlMs = Math.max(0, (view.expiresAt === null ? Date.now() + this.#options.resultsTtlMs : Date.parse(view.expiresAt)) - Date.now()) + 2 * EXPIRY_MARGIN_MS;
    const claimed = await this.#redis.set(this.#keys.webhook(job.id), `${hostname()}:${process.pid}`, 'PX', ttlMs, 'NX');
    if (claimed === 'OK') this.#options.webhook?.(job.webhook!, view);
  }

  /** Drops the oldest finished jobs while results exceed the byte budget (never the one just finished). */
  #evictOverBudget(keep: MirrorJob): void {
    for (const job of [...this.#jobs.values()]) {
      if (this.#retainedBytes <= this.#options.resultsMaxBytes) break;
      if (job !== keep && job.retain && job.terminal) void this.remove(job);
    }
  }

  /** Forgets a job here only (removed elsewhere, or expired). */
  #forget(id: string): void {
    const job = this.#jobs.get(id);
    if (job === undefined) return;
    this.#jobs.delete(id);
    if (job.expiryTimer) clearTimeout(job.expiryTimer);
    if (job.retain && job.view.state === 'done' && job.terminal) this.#retainedBytes -= job.view.result?.samples.reduce((sum, s) => sum + s.bytes, 0) ?? 0;
    job.settle();
  }

  /** Marks a job failed that BullMQ gave up on (its workers died more often than the retry limit). */
  async #markLost(id: string, failedReason: string): Promise<void> {
    const record = await readRecord(this.#redis, this.#keys, id);
    if (record === undefined || (record.state !== 'queued' && record.state !== 'running')) return;
    const stalled = /stalled/i.test(failedReason);
    const error = stalled
      ? { code: 'WORKER_LOST' as const, message: `the worker running this job stopped (killed or crashed) ${Math.max(1, record.attempts)} time(s); it was given up after the retry limit`, details: { attempts: record.attempts } }
      : { code: 'INTERNAL' as const, message: 'the job queue failed this job (see the worker log)' };
    const finishedAt = new Date();
    const expiresAt = new Date(finishedAt.getTime() + record.ttlMs);
    const view: JobView = { ...recordView(id, { ...record, state: 'failed', finishedAt: finishedAt.toISOString(), expiresAt: expiresAt.toISOString(), error }) };
    await appendEvent(this.#redis, this.#keys, id, {
      from: ['queued', 'running'],
      event: 'failed',
      data: view,
      state: 'failed',
      fields: { finishedAt: view.finishedAt!, expiresAt: view.expiresAt!, error },
      expireMs: record.ttlMs + EXPIRY_MARGIN_MS,
      logLimit: EVENT_LOG_LIMIT,
    });
    await this.#sync(id);
  }

  /** Loads jobs this process has not seen, catches up on the others, and settles lost ones. */
  async #resync(): Promise<void> {
    if (this.#stopped || this.unavailable() !== undefined) return;
    const ids = new Set(await this.#redis.smembers(this.#keys.index));
    for (const id of this.#jobs.keys()) if (!ids.has(id)) this.#forget(id);
    // Finished jobs change no more (removals are published); new and unfinished ones may have.
    await Promise.all([...ids].filter((id) => this.#jobs.get(id)?.finalInLog !== true).map((id) => this.#sync(id)));
    // Index entries whose keys expired while no API process was up to remove them.
    const unknown = [...ids].filter((id) => !this.#jobs.has(id));
    const exists = await Promise.all(unknown.map((id) => this.#redis.exists(this.#keys.job(id))));
    const gone = unknown.filter((_, i) => exists[i] === 0);
    if (gone.length > 0) {
      await this.#redis.srem(this.#keys.index, ...gone);
      await Promise.all(gone.map((id) => this.#options.store.delete(id).catch(() => undefined)));
    }
    for (const job of this.#jobs.values()) {
      if (job.finalInLog || Date.now() - Date.parse(job.view.createdAt) < LOST_AFTER_MS) continue;
      const state = await this.#queue.getJobState(job.id);
      if (state === 'failed') {
        const bullJob = await this.#queue.getJob(job.id);
        await this.#markLost(job.id, bullJob?.failedReason ?? '');
      } else if (state === 'unknown') {
        await this.#markLost(job.id, 'the job is no longer in the queue');
      }
    }
    this.#workers = (await this.#queue.getWorkers().catch(() => [])).length;
  }

  async #sweep(): Promise<void> {
    if (this.#closing || this.unavailable() !== undefined) return;
    const removed = await this.#options.store.sweep({
      graceMs: SWEEP_GRACE_MS,
      known: async (candidates) => {
        const found = await this.#redis.smismember(this.#keys.index, ...candidates);
        return new Set(candidates.filter((_, i) => found[i] === 1));
      },
    });
    if (removed.length > 0) this.#options.log.info({ removed: removed.length }, 'removed result folders no job owns');
  }

  #backgroundError(error: unknown, jobId?: string): void {
    // While Redis is away every call fails alike: one line per outage is enough.
    if (this.unavailable() !== undefined && Date.now() - this.#lastErrorAt < 10_000) return;
    this.#lastErrorAt = Date.now();
    this.#options.log.error({ err: error, jobId }, 'queue background error');
  }
}

/** ioredis reports each failed reconnect; log the first of a burst only. */
export function throttledErrorLog(log: { warn(object: object, message: string): void }, everyMs = 10_000): (error: Error) => void {
  let last = 0;
  return (error) => {
    if (Date.now() - last < everyMs) return;
    last = Date.now();
    log.warn({ err: { message: error.message, code: (error as NodeJS.ErrnoException).code } }, 'redis connection error (reconnecting)');
  };
}
