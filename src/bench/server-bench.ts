import { createRequire } from 'node:module';
import { join } from 'node:path';
import { encodeImage } from '../image/index.js';
import { PACKAGE_ROOT } from '../packs/package-root.js';
import { colorize } from '../pipeline/index.js';
import { createServer } from '../server/create-server.js';
import { libraryDependencies } from '../server/library.js';

/** The parts of autocannon's programmatic API used here (it ships no types). */
type Autocannon = (options: {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: Buffer;
  connections: number;
  amount: number;
  timeout: number;
}) => Promise<{
  latency: { average: number; p50: number; p90: number; p99: number; max: number };
  requests: { average: number; total: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}>;

/**
 * HTTP overhead of the server: the same job through POST /v1/colorize and through colorize()
 * called directly, in one run. The two are interleaved job by job, so load from other processes
 * hits both alike. Overhead share = (mean HTTP time − mean library time) / mean library time;
 * target ≤ 10%. The asynchronous flow (POST /v1/colorizations → SSE until done → GET the sample)
 * is interleaved the same way. Throughput and latency percentiles come from autocannon on loopback.
 */
async function runSingleProcessBench(options: { model?: string; quick?: boolean }): Promise<Record<string, unknown>> {
  const model = options.model ?? join(PACKAGE_ROOT, 'test', 'fixtures', 'tiny-pack');
  const jobs = options.quick ? 8 : 24;
  const size = 256;
  const image = await syntheticGrayPng(size, size);
  const jobOptions = { seed: 1, steps: options.quick ? 4 : 8, prompt: 'red car, autumn trees', format: 'png' as const };

  const dependencies = await libraryDependencies({ model, concurrency: 1 });
  const app = await createServer({ ...dependencies, model, concurrency: 1, queue: 64 });
  try {
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    // POST is refused (503 NOT_READY) until every worker has loaded the pack.
    while ((await fetch(`${base}/readyz`)).status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    const url = `${base}/v1/colorize?options=${encodeURIComponent(JSON.stringify(jobOptions))}`;
    const direct = () => colorize(image, { ...jobOptions, model });
    const overHttp = async () => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'image/png' }, body: new Uint8Array(image) });
      if (response.status !== 200) throw new Error(`POST /v1/colorize: HTTP ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    };

    // Warm-up: session creation, JIT and sockets are not per-job work.
    await direct();
    await overHttp();
    await timeAsyncFlow(base, image, jobOptions);

    // 1. Overhead, interleaved.
    const library: number[] = [];
    const http: number[] = [];
    const asyncFlow: number[] = [];
    for (let i = 0; i < jobs; i++) {
      library.push(await timed(direct));
      http.push(await timed(overHttp));
      if (i % 3 === 0) asyncFlow.push(await timeAsyncFlow(base, image, jobOptions));
    }

    // 2. Throughput and latency under load: one connection (no queueing), then two (requests queue).
    //    /healthz is timed idle and while the two-connection load runs: jobs must not stall the event loop.
    const healthIdle = await sampleHealth(base, new Promise((resolve) => setTimeout(resolve, options.quick ? 1_000 : 3_000)));
    const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
    const request = { url, method: 'POST' as const, headers: { 'content-type': 'image/png' }, body: image, timeout: 120 };
    const load: Record<string, unknown> = {};
    let healthUnderLoad: number[] = [];
    for (const connections of [1, 2]) {
      const pending = Promise.resolve(autocannon({ ...request, connections, amount: jobs })); // a thenable, not a Promise
      if (connections === 2) healthUnderLoad = await sampleHealth(base, pending);
      const run = await pending;
      if (run['2xx'] !== jobs) throw new Error(`autocannon: ${run['2xx']} of ${jobs} succeeded (errors ${run.errors}, non-2xx ${run.non2xx})`);
      load[`connections${connections}`] = {
        meanMs: round(run.latency.average),
        p50Ms: run.latency.p50,
        p90Ms: run.latency.p90,
        p99Ms: run.latency.p99,
        maxMs: run.latency.max,
        jobsPerS: round(run.requests.total / run.duration),
      };
    }

    const libraryMean = mean(library);
    const stats = (values: number[]) => ({ meanMs: round(mean(values)), p50Ms: round(percentile(values, 50)), p90Ms: round(percentile(values, 90)), maxMs: round(Math.max(...values)) });
    const result = {
      model,
      image: `${size}x${size} PNG`,
      steps: jobOptions.steps,
      jobs,
      library: { ...stats(library), jobsPerS: round(1000 / libraryMean) },
      http: stats(http),
      asyncFlow: stats(asyncFlow),
      load,
      health: { idle: stats(healthIdle), underLoad: stats(healthUnderLoad), idleP99Ms: round(percentile(healthIdle, 99)), underLoadP99Ms: round(percentile(healthUnderLoad, 99)) },
      // Medians resist the load spikes of a shared machine; means are given too.
      overheadShare: round((median(http) - median(library)) / median(library), 4),
      asyncOverheadShare: round((median(asyncFlow) - median(library)) / median(library), 4),
      overheadShareOfMeans: round((mean(http) - libraryMean) / libraryMean, 4),
      target: 0.1,
    };
    console.table({ library: result.library, 'POST /v1/colorize': result.http, 'async flow': result.asyncFlow, ...load });
    console.table({ 'GET /healthz idle': { ...result.health.idle, p99Ms: result.health.idleP99Ms, n: healthIdle.length }, 'GET /healthz under load': { ...result.health.underLoad, p99Ms: result.health.underLoadP99Ms, n: healthUnderLoad.length } });
    console.log(
      `HTTP overhead per job (medians): ${(100 * result.overheadShare).toFixed(1)}% sync, ${(100 * result.asyncOverheadShare).toFixed(1)}% async flow` +
        ` (of means: ${(100 * result.overheadShareOfMeans).toFixed(1)}%); target ≤ 10%`,
    );
    return result;
  } finally {
    await app.close();
  }
}

/** The single-process figures, then Redis mode beside them (queue-bench.ts), in one run. */
export async function runServerBench(options: { model?: string; quick?: boolean }): Promise<Record<string, unknown>> {
  const single = await runSingleProcessBench(options);
  const model = options.model ?? join(PACKAGE_ROOT, 'test', 'fixtures', 'tiny-pack');
  const { runQueueBench } = await import('./queue-bench.js');
  const queue = await runQueueBench({
    model,
    image: await syntheticGrayPng(256, 256),
    jobOptions: { seed: 1, steps: options.quick ? 4 : 8, prompt: 'red car, autumn trees', format: 'png' },
    jobs: options.quick ? 8 : 24,
    latencyJobs: options.quick ? 4 : 10,
  });
  return { ...single, queue };
}

/** GET /healthz latencies, one request after another (20 ms apart), until `until` settles. */
async function sampleHealth(base: string, until: Promise<unknown>): Promise<number[]> {
  let over = false;
  void until.finally(() => (over = true)).catch(() => undefined);
  const latencies: number[] = [];
  while (!over) {
    latencies.push(await timed(async () => (await fetch(`${base}/healthz`)).arrayBuffer()));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return latencies;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Submit, follow the SSE stream to its final event, download sample 1. */
async function timeAsyncFlow(base: string, image: Buffer, options: Record<string, unknown>): Promise<number> {
  const started = performance.now();
  const body = new FormData();
  body.append('image', new Blob([new Uint8Array(image)], { type: 'image/png' }), 'bench.png');
  body.append('options', JSON.stringify(options));
  const job = (await (await fetch(`${base}/v1/colorizations`, { method: 'POST', body })).json()) as { links: { self: string; events: string } };
  const events = await (await fetch(`${base}${job.links.events}`)).text();
  if (!events.includes('event: done')) throw new Error(`async job did not finish: ${events.slice(-300)}`);
  const sample = await fetch(`${base}${job.links.self}/samples/1`);
  if (sample.status !== 200) throw new Error(`sample download: HTTP ${sample.status}`);
  await sample.arrayBuffer();
  return performance.now() - started;
}

async function syntheticGrayPng(width: number, height: number): Promise<Buffer> {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = (128 + 80 * Math.sin(x / 17) * Math.cos(y / 23) + ((x * 7 + y * 13) % 17)) & 255;
      rgb.fill(v, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return encodeImage({ width, height, rgb }, { format: 'png' });
}

const median = (values: number[]) => percentile(values, 50);
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
