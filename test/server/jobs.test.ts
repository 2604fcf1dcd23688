import type { FastifyInstance } from 'fastify';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JobSchema } from '../../src/server/api-schemas.js';
import { createServer, type CreateServerOptions } from '../../src/server/index.js';
import { FakeLibrary, grayPng, multipart, parseSse, waitFor } from './helpers.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function server(options: Partial<CreateServerOptions> = {}, fake = new FakeLibrary()) {
  app = await createServer({ colorize: fake.colorize, ...options });
  return { app, fake };
}

async function submit(target: FastifyInstance, options: unknown = {}) {
  const response = await target.inject({
    method: 'POST',
    url: '/v1/colorizations',
    ...multipart([
      { name: 'image', value: grayPng(), filename: 'photo.png', type: 'image/png' },
      { name: 'options', value: JSON.stringify(options) },
    ]),
  });
  expect(response.statusCode).toBe(202);
  return JobSchema.parse(response.json());
}

const state = async (target: FastifyInstance, id: string) => JobSchema.parse((await target.inject({ url: `/v1/colorizations/${id}` })).json());

describe('cancel', () => {
  it('cancels a queued job at once (200, cancelled) and the queue moves on', async () => {
    const fake = new FakeLibrary();
    fake.hold();
    const { app } = await server({}, fake);
    const first = await submit(app);
    const second = await submit(app);
    expect((await state(app, second.id)).position).toBe(1);
    const response = await app.inject({ method: 'DELETE', url: `/v1/colorizations/${second.id}` });
    expect(response.statusCode).toBe(200);
    expect(JobSchema.parse(response.json())).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED', message: 'cancelled by the client' } });
    fake.release();
    await waitFor(async () => (await state(app, first.id)).state === 'done');
    expect(fake.calls).toBe(1);
  });

  it('stops a running job before its next model call; 202 while the current call ends', async () => {
    const fake = new FakeLibrary({ steps: 10 });
    const { app } = await server({ cancelWaitMs: 50 }, fake);
    fake.hold();
    const job = await submit(app);
    await waitFor(() => fake.modelCalls === 1); // call 1 is in flight, held
    const pending = await app.inject({ method: 'DELETE', url: `/v1/colorizations/${job.id}` });
    expect(pending.statusCode).toBe(202);
    expect(JobSchema.parse(pending.json())).toMatchObject({ state: 'running', cancelRequested: true });
    fake.release();
    await waitFor(async () => (await state(app, job.id)).state === 'cancelled');
    expect(fake.modelCalls).toBe(1);
    expect(app.colorWizardJobs.stats().running).toBe(0);
  });

  it('answers 200 with the final state when the run stops within the wait', async () => {
    const fake = new FakeLibrary({ steps: 1000, stepMs: 5 });
    const { app } = await server({}, fake);
    const job = await submit(app);
    await waitFor(() => fake.modelCalls >= 2);
    const response = await app.inject({ method: 'DELETE', url: `/v1/colorizations/${job.id}` });
    expect(response.statusCode).toBe(200);
    expect(response.json().state).toBe('cancelled');
    expect(fake.modelCalls).toBeLessThan(1000);
  });

  it('DELETE of a finished job deletes it and its images (204, then 404)', async () => {
    const { app } = await server();
    const job = await submit(app);
    await waitFor(async () => (await state(app, job.id)).state === 'done');
    expect((await app.inject({ method: 'DELETE', url: `/v1/colorizations/${job.id}` })).statusCode).toBe(204);
    expect((await app.inject({ url: `/v1/colorizations/${job.id}` })).statusCode).toBe(404);
    expect((await app.inject({ url: `/v1/colorizations/${job.id}/samples/1` })).statusCode).toBe(404);
  });
});

describe('server-sent events', () => {
  it('sends state, progress in order (step k/K), then done last', async () => {
    const fake = new FakeLibrary({ steps: 6 });
    fake.hold();
    const { app } = await server({}, fake);
    const blocker = await submit(app); // keeps the next job queued while we subscribe
    const job = await submit(app, { samples: 2 });
    const events = app.inject({ url: job.links.events });
    fake.release();
    const response = await events;
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const list = parseSse(response.body);
    const names = list.map((e) => e.event);
    expect(names[0]).toBe('state');
    expect(list[0]!.data).toMatchObject({ state: 'queued', position: 1 });
    expect(names.at(-1)).toBe('done');
    expect(names.filter((n) => n === 'done')).toHaveLength(1);
    expect(list.find((e) => e.event === 'state' && e.data.state === 'running')).toBeDefined();
    const progress = list.filter((e) => e.event === 'progress').map((e) => e.data);
    expect(progress.filter((p) => p.stage === 'denoising').map((p) => `${p.step}/${p.totalSteps}`)).toEqual(['1/6', '2/6', '3/6', '4/6', '5/6', '6/6']);
    const fractions = progress.map((p) => p.fraction);
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);
    const ids = list.map((e) => e.id!);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(JobSchema.parse(list.at(-1)!.data).result!.samples).toHaveLength(2);
    expect(blocker.id).not.toBe(job.id);
  });

  it('replays after Last-Event-ID, and a finished job sends its final event only', async () => {
    const { app } = await server();
    const job = await submit(app);
    await waitFor(async () => (await state(app, job.id)).state === 'done');
    const final = parseSse((await app.inject({ url: job.links.events })).body);
    expect(final.map((e) => e.event)).toEqual(['done']);
    const all = parseSse((await app.inject({ url: job.links.events, headers: { 'last-event-id': '1' } })).body);
    expect(all[0]!.id).toBe(2);
    expect(all.at(-1)!.event).toBe('done');
    expect(all.some((e) => e.event === 'progress')).toBe(true);
  });

  it('ends with "cancelled" when the job is cancelled', async () => {
    const fake = new FakeLibrary();
    fake.hold();
    const { app } = await server({}, fake);
    const job = await submit(app);
    const events = app.inject({ url: job.links.events });
    await waitFor(() => fake.modelCalls === 1);
    const cancelled = app.inject({ method: 'DELETE', url: job.links.self });
    await waitFor(async () => (await state(app, job.id)).cancelRequested);
    fake.release();
    expect((await cancelled).statusCode).toBe(200);
    const list = parseSse((await events).body);
    expect(list.at(-1)).toMatchObject({ event: 'cancelled', data: { state: 'cancelled' } });
  });
});

describe('limits and retention', () => {
  it('fails a job that runs past the timeout with TIMEOUT', async () => {
    const fake = new FakeLibrary({ steps: 100, stepMs: 10 });
    const { app } = await server({ timeoutSeconds: 0.1 }, fake);
    const job = await submit(app);
    await waitFor(async () => (await state(app, job.id)).state === 'failed');
    expect((await state(app, job.id)).error).toMatchObject({ code: 'TIMEOUT' });
    expect(fake.modelCalls).toBeLessThan(100);
  });

  it('deletes finished jobs after the results TTL', async () => {
    const { app } = await server({ resultsTtlSeconds: 1 });
    const job = await submit(app);
    await waitFor(async () => (await state(app, job.id)).state === 'done');
    await waitFor(async () => (await app.inject({ url: job.links.self })).statusCode === 404, 3_000);
    expect(app.colorWizardJobs.stats()).toMatchObject({ retained: 0, retainedBytes: 0 });
  });

  it('drops the oldest results beyond the byte budget', async () => {
    const { app } = await server({ resultsMaxBytes: 1 });
    const first = await submit(app);
    await waitFor(async () => (await state(app, first.id)).state === 'done');
    const second = await submit(app);
    await waitFor(async () => (await state(app, second.id)).state === 'done');
    expect((await app.inject({ url: first.links.self })).statusCode).toBe(404);
    expect((await app.inject({ url: `${second.links.self}/samples/1` })).statusCode).toBe(200);
  });

  it('keeps results as files in the results folder, one folder per job, deleted with the job', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-results-'));
    try {
      const { app } = await server({ resultsDir: dir });
      const job = await submit(app, { samples: 2 });
      await waitFor(async () => (await state(app, job.id)).state === 'done');
      expect(readdirSync(join(dir, job.id)).sort()).toEqual(['1.png', '2.png']);
      const sample = await app.inject({ url: `${job.links.self}/samples/2` });
      expect(sample.statusCode).toBe(200);
      expect(sample.rawPayload.subarray(1, 4).toString()).toBe('PNG');
      await app.inject({ method: 'DELETE', url: job.links.self });
      expect(existsSync(join(dir, job.id))).toBe(false);
      const other = await submit(app);
      await waitFor(async () => (await state(app, other.id)).state === 'done');
      await app.close();
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
