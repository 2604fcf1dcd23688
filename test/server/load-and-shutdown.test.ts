import { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { validateOptions } from '../../src/pipeline/validate-options.js';
import { JobSchema } from '../../src/server/api-schemas.js';
import { createServer } from '../../src/server/index.js';
import { serve } from '../../src/server/serve.js';
import { FakeLibrary, grayPng, waitFor } from './helpers.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function form(options: unknown = {}): FormData {
  const body = new FormData();
  body.append('image', new Blob([new Uint8Array(grayPng())], { type: 'image/png' }), 'photo.png');
  body.append('options', JSON.stringify(options));
  return body;
}

describe('load', () => {
  it('50 concurrent requests at concurrency 2: each is queued and completes or is refused cleanly; memory stays bounded', async () => {
    const fake = new FakeLibrary({ steps: 3, stepMs: 5 });
    app = await createServer({ colorize: fake.colorize, concurrency: 2, queue: 16 });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const jobs = app.colorWizardJobs;
    let peakJobs = 0;
    const watch = setInterval(() => {
      const s = jobs.stats();
      peakJobs = Math.max(peakJobs, s.queued + s.running);
    }, 1);

    const responses = await Promise.all(Array.from({ length: 50 }, () => fetch(`${base}/v1/colorizations`, { method: 'POST', body: form() })));
    const accepted: string[] = [];
    let refused = 0;
    for (const response of responses) {
      const body = (await response.json()) as any;
      if (response.status === 202) accepted.push(JobSchema.parse(body).id);
      else {
        expect(response.status).toBe(503);
        expect(body.error.code).toBe('QUEUE_FULL');
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        refused += 1;
      }
    }
    expect(accepted.length + refused).toBe(50);
    expect(accepted.length).toBeGreaterThanOrEqual(18); // at least the queue plus the workers

    await waitFor(async () => {
      const states = await Promise.all(accepted.map(async (id) => ((await (await fetch(`${base}/v1/colorizations/${id}`)).json()) as { state: string }).state));
      return states.every((s) => s === 'done');
    }, 20_000);
    clearInterval(watch);
    expect(fake.maxRunning).toBeLessThanOrEqual(2);
    expect(peakJobs).toBeLessThanOrEqual(2 + 16);
    expect(jobs.stats()).toMatchObject({ queued: 0, running: 0, retained: accepted.length });

    // Refused clients can retry once the queue drains.
    const retry = await fetch(`${base}/v1/colorizations`, { method: 'POST', body: form() });
    expect(retry.status).toBe(202);
  });

  it('synchronous requests share the same bound', async () => {
    const fake = new FakeLibrary({ steps: 2, stepMs: 5 });
    app = await createServer({ colorize: fake.colorize, concurrency: 2, queue: 4 });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const statuses = await Promise.all(Array.from({ length: 20 }, async () => (await fetch(`${base}/v1/colorize`, { method: 'POST', body: form() })).status));
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(6);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    expect(fake.maxRunning).toBeLessThanOrEqual(2);
    expect(app.colorWizardJobs.stats()).toMatchObject({ queued: 0, running: 0, retained: 0 });
  });

  it('a client that disconnects from POST /v1/colorize cancels its job', async () => {
    const fake = new FakeLibrary({ steps: 1000, stepMs: 5 });
    app = await createServer({ colorize: fake.colorize });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const abort = new AbortController();
    const request = fetch(`${base}/v1/colorize`, { method: 'POST', body: form(), signal: abort.signal }).catch(() => 'aborted');
    await waitFor(() => fake.modelCalls >= 2);
    abort.abort();
    expect(await request).toBe('aborted');
    await waitFor(() => app!.colorWizardJobs.stats().running === 0);
    // The client's pool keeps a fresh, unused socket open; shutdown must not wait for it.
    const started = Date.now();
    await app!.close();
    expect(Date.now() - started).toBeLessThan(2_500);
    app = undefined;
    expect(fake.modelCalls).toBeLessThan(1000);
  });
});

describe('graceful shutdown', () => {
  it('close(): stops accepting, cancels queued jobs, lets the running one finish, ends SSE streams', async () => {
    const fake = new FakeLibrary({ steps: 5, stepMs: 20 });
    app = await createServer({ colorize: fake.colorize, shutdownGraceSeconds: 10 });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const running = JobSchema.parse(await (await fetch(`${base}/v1/colorizations`, { method: 'POST', body: form() })).json());
    const queued = JobSchema.parse(await (await fetch(`${base}/v1/colorizations`, { method: 'POST', body: form() })).json());
    const stream = await fetch(`${base}${queued.links.events}`);
    const streamText = stream.text();
    const runningStream = (await fetch(`${base}${running.links.events}`)).text();
    await waitFor(() => fake.modelCalls >= 1);
    fake.hold(); // the running job waits in a model call until the checks below are done

    const jobs = app.colorWizardJobs;
    const closed = app.close();
    await waitFor(() => jobs.closing);
    expect(jobs.hasRoom()).toBe(false);
    expect(jobs.get(queued.id)?.state).toBe('cancelled');
    // During the grace: new work is refused, the running job can still be followed.
    const refused = await fetch(`${base}/v1/colorizations`, { method: 'POST', body: form() });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(((await refused.json()) as any).error.code).toBe('SHUTTING_DOWN');
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    expect((await fetch(`${base}${running.links.self}`)).status).toBe(200);
    fake.release();
    expect(await streamText).toContain('event: cancelled');
    expect(await runningStream).toContain('event: done');
    await closed;
    expect(fake.calls).toBe(1);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    app = undefined;
  });

  it('cancels running jobs once the grace time is over', async () => {
    const fake = new FakeLibrary({ steps: 10_000, stepMs: 5 });
    app = await createServer({ colorize: fake.colorize, shutdownGraceSeconds: 0.05 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const job = app.colorWizardJobs.submit(grayPng(), validateOptions({}));
    await waitFor(() => fake.modelCalls >= 1);
    const started = Date.now();
    await app.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(job.state).toBe('cancelled');
    expect(fake.modelCalls).toBeLessThan(10_000);
    app = undefined;
  });

  it('serve(): SIGTERM shuts the server down and resolves', async () => {
    const fake = new FakeLibrary({ steps: 3, stepMs: 10 });
    const signals = new EventEmitter();
    let url = '';
    let jobId = '';
    const served = serve(
      { port: 0, host: '127.0.0.1', concurrency: 1 },
      { dependencies: { colorize: fake.colorize }, signals, onListening: (u) => (url = u) },
    );
    await waitFor(() => url !== '');
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    jobId = JobSchema.parse(await (await fetch(`${url}/v1/colorizations`, { method: 'POST', body: form() })).json()).id;
    expect(jobId).toHaveLength(21);
    signals.emit('SIGTERM');
    await served;
    expect(fake.calls).toBe(1);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('serve(): invalid settings are an OPTIONS error', async () => {
    await expect(serve({ port: 0, host: '127.0.0.1', concurrency: 0 }, { dependencies: { colorize: new FakeLibrary().colorize } })).rejects.toMatchObject({ code: 'OPTIONS' });
  });
});
