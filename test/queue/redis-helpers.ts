import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { REDIS_SERVER, startLocalRedis, type LocalRedis } from '../../src/bench/local-redis.js';
import { QueueWorker } from '../../src/queue/queue-worker.js';
import { queueDependencies } from '../../src/queue/queue-dependencies.js';
import { SharedFolderStore } from '../../src/queue/shared-folder-store.js';
import { WorkerSettingsSchema } from '../../src/queue/queue-settings.js';
import { stderrLog } from '../../src/queue/stderr-log.js';
import { createServer, type CreateServerOptions } from '../../src/server/index.js';
import type { ColorizeWorkers } from '../../src/workers/index.js';
import { FakeLibrary } from '../server/helpers.js';

/**
 * Redis-mode tests need Debian's redis-server; without it they are skipped, except in CI
 * (`CI` set), where a missing redis-server must fail rather than hide the tests.
 */
export const redisMissing = REDIS_SERVER === undefined && !process.env.CI;

/** A FakeLibrary behind the ColorizeWorkers interface (no threads): steps can be held and counted. */
export function fakeWorkers(fake: FakeLibrary, size = 1): ColorizeWorkers {
  return { size, run: (image, options) => fake.colorize(image, options), warmup: async () => {}, close: async () => {} };
}

/** One redis-server and one shared folder per test file; API servers and workers per test, closed after it. */
export function redisCluster() {
  let redis: LocalRedis;
  let dir: string;
  const apps: FastifyInstance[] = [];
  const workers: QueueWorker[] = [];
  beforeAll(async () => {
    redis = await startLocalRedis();
    dir = await mkdtemp(join(tmpdir(), 'cw-queue-'));
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.drain().catch(() => undefined);
    for (const app of apps.splice(0)) await app.close().catch(() => undefined);
    // Each test starts with an empty Redis.
    if (redis.process.exitCode === null) await fetchFlush(redis.url);
  });
  afterAll(async () => {
    await redis?.close();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    get redis() {
      return redis;
    },
    get dir() {
      return dir;
    },
    async api(options: Partial<CreateServerOptions> = {}): Promise<FastifyInstance> {
      const dependencies = await queueDependencies({ redisUrl: redis.url, resultsDir: dir, queueName: 'test' });
      const app = await createServer({ ...dependencies, probe: undefined, listModels: undefined, ...options });
      apps.push(app);
      return app;
    },
    async worker(colorizeWorkers: ColorizeWorkers, settings: Record<string, unknown> = {}): Promise<QueueWorker> {
      const parsed = WorkerSettingsSchema.parse({ redisUrl: redis.url, resultsDir: dir, queueName: 'test', lockTimeoutSeconds: 2, ...settings });
      const worker = new QueueWorker({ ...parsed, store: new SharedFolderStore(dir), workers: colorizeWorkers, log: stderrLog(process.env.CW_DEBUG === '1') });
      await worker.start();
      workers.push(worker);
      return worker;
    },
    /** Closes an API server now (e.g. to restart it) instead of after the test. */
    async closeApi(app: FastifyInstance): Promise<void> {
      apps.splice(apps.indexOf(app), 1);
      await app.close();
    },
  };
}

async function fetchFlush(url: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    await client.flushall();
  } finally {
    client.disconnect();
  }
}
