import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { queueDependencies } from '../queue/queue-dependencies.js';
import { WorkerSettingsSchema } from '../queue/queue-settings.js';
import { QueueWorker } from '../queue/queue-worker.js';
import { SharedFolderStore } from '../queue/shared-folder-store.js';
import { stderrLog } from '../queue/stderr-log.js';
import { colorize } from '../pipeline/index.js';
import type { ColorizeOptions, ColorizeResult } from '../pipeline/types.js';
import { createServer } from '../server/create-server.js';
import { libraryDependencies } from '../server/library.js';
import { ThreadWorkers, type ColorizeWorkers } from '../workers/index.js';
import { REDIS_SERVER, startLocalRedis } from './local-redis.js';

/**
 * Redis mode beside the single-process server, same jobs, same run: throughput of a burst of
 * jobs (all submitted at once, each followed by SSE to its end) with the in-process server
 * (1 and 2 slots) and with 1 and 2 queue workers, and the queue's overhead per job: one job at
 * a time (submit → SSE done → sample), Redis mode minus in-process, interleaved job by job so
 * load from other processes hits both alike (medians). The workers run in this process on their
 * own worker threads, as `color-wizard worker` does, so the figures are the queue's cost, not a
 * network's.
 */
export async function runQueueBench(options: { model: string; image: Buffer; jobOptions: Record<string, unknown>; jobs: number; latencyJobs: number }): Promise<Record<string, unknown>> {
  if (REDIS_SERVER === undefined) return { skipped: 'redis-server is not installed (apt-get install redis-server)' };
  const { model, image, jobOptions } = options;
  const redis = await startLocalRedis();
  const dir = await mkdtemp(join(tmpdir(), 'cw-queue-bench-'));
  const opened: Array<() => Promise<void>> = [];
  const listen = async (app: FastifyInstance) => {
    opened.push(() => app.close());
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    while ((await fetch(`${base}/readyz`)).status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    await runJob(base, image, jobOptions); // sessions, JIT, sockets
    return base;
  };
  const inProcess = async (concurrency: number) => listen(await createServer({ ...(await libraryDependencies({ model, concurrency })), model, concurrency, queue: 10_000 }));
  const addWorker = async () => {
    const settings = WorkerSettingsSchema.parse({ redisUrl: redis.url, resultsDir: dir, queueName: 'bench', model });
    const worker = new QueueWorker({ ...settings, store: new SharedFolderStore(dir), workers: new ThreadWorkers({ size: 1 }), log: stderrLog(false) });
    await worker.start();
    opened.push(() => worker.drain());
  };
  const burst = async (base: string) => {
    const ms = await timed(() => Promise.all(Array.from({ length: options.jobs }, () => runJob(base, image, jobOptions))));
    return round((1000 * options.jobs) / ms);
  };

  let result: Record<string, unknown>;
  try {
    const single = await inProcess(1);
    await addWorker();
    const queued = await listen(await createServer({ ...(await queueDependencies({ redisUrl: redis.url, resultsDir: dir, queueName: 'bench', model })), model, queue: 10_000 }));
    const latency: { inProcess: number[]; redis: number[] } = { inProcess: [], redis: [] };
    for (let i = 0; i < options.latencyJobs; i++) {
      latency.inProcess.push(await timed(() => runJob(single, image, jobOptions)));
      latency.redis.push(await timed(() => runJob(queued, image, jobOptions)));
    }
    const jobsPerS = { inProcess1: await burst(single), redis1Worker: await burst(queued), redis2Workers: 0, inProcess2: 0 };
    await addWorker();
    jobsPerS.redis2Workers = await burst(queued);
    jobsPerS.inProcess2 = await burst(await inProcess(2));
    const noop = await noopOverhead(redis.url, dir, image, jobOptions, model, opened, options.latencyJobs * 3);
    const overheadMs = median(latency.redis) - median(latency.inProcess);
    result = {
      jobs: options.jobs,
      jobsPerS,
      latencyMs: { inProcessMedian: round(median(latency.inProcess)), redisMedian: round(median(latency.redis)), inProcessMean: round(mean(latency.inProcess)), redisMean: round(mean(latency.redis)) },
      // Throughput against the single-process server with one slot, and 2 workers against 1.
      ratio1WorkerVsInProcess: round(jobsPerS.redis1Worker / jobsPerS.inProcess1, 3),
      ratio2WorkersVsInProcess: round(jobsPerS.redis2Workers / jobsPerS.inProcess1, 3),
      ratio2WorkersVs1: round(jobsPerS.redis2Workers / jobsPerS.redis1Worker, 3),
      // What the queue adds to one job, measured with instant colorizations (model time is noise here).
      queueOverheadPerJobMs: noop.overheadMs,
      noopJobMs: noop,
      // The same difference with model jobs: includes the load of a shared machine.
      modelJobLatencyDeltaMs: round(overheadMs),
      modelJobLatencyDeltaShare: round(overheadMs / median(latency.inProcess), 4),
    };
    console.table({
      'in-process, 1 slot': { jobsPerS: jobsPerS.inProcess1, latencyMedianMs: round(median(latency.inProcess)) },
      'Redis, 1 worker': { jobsPerS: jobsPerS.redis1Worker, latencyMedianMs: round(median(latency.redis)) },
      'Redis, 2 workers': { jobsPerS: jobsPerS.redis2Workers },
      'in-process, 2 slots': { jobsPerS: jobsPerS.inProcess2 },
    });
    console.log(
      `Redis mode: ${result.ratio1WorkerVsInProcess}× the in-process throughput with 1 worker, ${result.ratio2WorkersVsInProcess}× with 2 (2 vs 1 workers: ${result.ratio2WorkersVs1}×);` +
        ` queue overhead per job ${result.queueOverheadPerJobMs} ms (instant jobs, medians, interleaved);` +
        ` model jobs one at a time: ${result.modelJobLatencyDeltaMs} ms (${(100 * (result.modelJobLatencyDeltaShare as number)).toFixed(1)}%) slower than in-process`,
    );
  } finally {
    for (const close of opened.reverse()) await close().catch(() => undefined);
    await redis.close();
    await rm(dir, { recursive: true, force: true });
  }
  return result;
}

/**
 * The queue's own cost per job: the same instant colorization (a result made once by the
 * library, returned at once) through the in-process server and through Redis mode, one job at
 * a time, interleaved; medians of submit → SSE done → sample.
 */
async function noopOverhead(redisUrl: string, dir: string, image: Buffer, jobOptions: Record<string, unknown>, model: string, opened: Array<() => Promise<void>>, count: number) {
  const made = await colorize(image, { ...jobOptions, model });
  const instant = async (_input: unknown, options: ColorizeOptions): Promise<ColorizeResult> => {
    for (let step = 1; step <= made.steps; step++) options.onProgress?.({ stage: 'denoising', step, totalSteps: made.steps, fraction: step / (made.steps + 2), elapsedMs: 0, etaMs: null });
    return made;
  };
  const workers: ColorizeWorkers = { size: 1, run: instant, warmup: async () => {}, close: async () => {} };
  const local = await createServer({ colorize: instant, queue: 10_000 });
  opened.push(() => local.close());
  const queued = await createServer({ ...(await queueDependencies({ redisUrl, resultsDir: dir, queueName: 'bench-noop' })), queue: 10_000 });
  opened.push(() => queued.close());
  const worker = new QueueWorker({ ...WorkerSettingsSchema.parse({ redisUrl, resultsDir: dir, queueName: 'bench-noop' }), store: new SharedFolderStore(dir), workers, log: stderrLog(false) });
  await worker.start();
  opened.push(() => worker.drain());
  const bases = [await local.listen({ port: 0, host: '127.0.0.1' }), await queued.listen({ port: 0, host: '127.0.0.1' })] as const;
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i <= count; i++) {
    for (const k of [0, 1] as const) {
      const ms = await timed(() => runJob(bases[k], image, jobOptions));
      if (i > 0) times[k].push(ms); // the first of each is a warm-up
    }
  }
  return { inProcessMedian: round(median(times[0])), redisMedian: round(median(times[1])), overheadMs: round(median(times[1]) - median(times[0])) };
}

/** Submit (raw body), follow the SSE stream to its final event, download sample 1. */
async function runJob(base: string, image: Buffer, options: Record<string, unknown>): Promise<void> {
  const posted = await fetch(`${base}/v1/colorizations?options=${encodeURIComponent(JSON.stringify(options))}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: new Uint8Array(image) });
  if (posted.status !== 202) throw new Error(`submit: HTTP ${posted.status} ${await posted.text()}`);
  const job = (await posted.json()) as { links: { self: string; events: string } };
  const events = await (await fetch(`${base}${job.links.events}`)).text();
  if (!events.includes('event: done')) throw new Error(`job did not finish: ${events.slice(-300)}`);
  const sample = await fetch(`${base}${job.links.self}/samples/1`);
  if (sample.status !== 200) throw new Error(`sample download: HTTP ${sample.status}`);
  await sample.arrayBuffer();
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
const round = (value: number, digits = 2) => Number(value.toFixed(digits));
