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
 * HTTP overhead of the server: the same job through POST /v1/colorize (autocannon on loopback,
 * one connection, so requests never queue) and through colorize() called directly, in one run.
 * Overhead share = (mean HTTP latency − mean library time) / mean library time; target ≤ 10%.
 * Also times the asynchronous flow (POST /v1/colorizations → SSE until done → GET the sample).
 */
export async function runServerBench(options: { model?: string; quick?: boolean }): Promise<Record<string, unknown>> {
  const model = options.model ?? join(PACKAGE_ROOT, 'test', 'fixtures', 'tiny-pack');
  const jobs = options.quick ? 10 : 40;
  const size = 256;
  const image = await syntheticGrayPng(size, size);
  const jobOptions = { seed: 1, steps: options.quick ? 4 : 8, prompt: 'red car, autumn trees', format: 'png' as const, model };

  // 1. The library alone (warm-up first: session creation is not per-job work).
  await colorize(image, jobOptions);
  const library: number[] = [];
  for (let i = 0; i < jobs; i++) {
    const started = performance.now();
    await colorize(image, jobOptions);
    library.push(performance.now() - started);
  }

  // 2. The same jobs over HTTP.
  const dependencies = await libraryDependencies({ model });
  const app = await createServer({ ...dependencies, model, concurrency: 1, queue: 64 });
  try {
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const { model: _model, ...httpOptions } = jobOptions;
    const url = `${base}/v1/colorize?options=${encodeURIComponent(JSON.stringify(httpOptions))}`;
    const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
    const request = { url, method: 'POST' as const, headers: { 'content-type': 'image/png' }, body: image, connections: 1, timeout: 120 };
    await autocannon({ ...request, amount: 2 }); // warm-up: JIT, sockets
    const http = await autocannon({ ...request, amount: jobs });
    if (http['2xx'] !== jobs) throw new Error(`HTTP run: ${http['2xx']} of ${jobs} succeeded (errors ${http.errors}, non-2xx ${http.non2xx})`);

    const asyncFlow: number[] = [];
    for (let i = 0; i < Math.min(jobs, 10); i++) asyncFlow.push(await timeAsyncFlow(base, image, httpOptions));

    const libraryMean = mean(library);
    const result = {
      model,
      image: `${size}x${size} PNG`,
      steps: jobOptions.steps,
      jobs,
      library: { meanMs: round(libraryMean), p50Ms: round(percentile(library, 50)), p90Ms: round(percentile(library, 90)), p99Ms: round(percentile(library, 99)), jobsPerS: round(1000 / libraryMean) },
      http: {
        meanMs: round(http.latency.average),
        p50Ms: http.latency.p50,
        p90Ms: http.latency.p90,
        p99Ms: http.latency.p99,
        maxMs: http.latency.max,
        jobsPerS: round(http.requests.total / http.duration),
      },
      asyncFlow: { meanMs: round(mean(asyncFlow)), p50Ms: round(percentile(asyncFlow, 50)), maxMs: round(Math.max(...asyncFlow)) },
      overheadShare: round((http.latency.average - libraryMean) / libraryMean, 4),
      asyncOverheadShare: round((mean(asyncFlow) - libraryMean) / libraryMean, 4),
      target: '≤ 0.10',
    };
    console.table({ library: result.library, http: result.http, async: result.asyncFlow });
    console.log(`HTTP overhead per job: ${(100 * result.overheadShare).toFixed(1)}% (sync), ${(100 * result.asyncOverheadShare).toFixed(1)}% (async flow); target ≤ 10%`);
    return result;
  } finally {
    await app.close();
  }
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

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
