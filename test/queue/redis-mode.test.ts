import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queueDependencies } from '../../src/queue/queue-dependencies.js';
import { createServer } from '../../src/server/index.js';
import { FakeLibrary, grayPng, parseSse, waitFor } from '../server/helpers.js';
import { fakeWorkers, redisCluster, redisMissing } from './redis-helpers.js';
import { webhookReceiver } from '../server/webhook-receiver.js';

const submit = async (app: Awaited<ReturnType<ReturnType<typeof redisCluster>['api']>>, options: Record<string, unknown> = {}) => {
  const response = await app.inject({ method: 'POST', url: `/v1/colorizations?options=${encodeURIComponent(JSON.stringify(options))}`, headers: { 'content-type': 'image/png' }, payload: grayPng() });
  return response;
};

describe.skipIf(redisMissing)('Redis mode (serve --redis + worker), in one process with a real redis-server', () => {
  const cluster = redisCluster();

  it('runs a job on a worker: status, SSE with Last-Event-ID replay, samples from the shared folder, delete', async () => {
    const app = await cluster.api();
    await cluster.worker(fakeWorkers(new FakeLibrary({ steps: 3 })));
    const posted = await submit(app, { samples: 2, seed: 5 });
    expect(posted.statusCode).toBe(202);
    const job = posted.json();
    expect(job).toMatchObject({ state: 'queued', position: 1 });
    const live = parseSse((await app.inject({ url: job.links.events })).body);
    expect(live.at(-1)).toMatchObject({ event: 'done', data: { state: 'done' } });
    expect(live.map((e) => e.event)).toContain('progress');
    const done = (await app.inject({ url: job.links.self })).json();
    expect(done).toMatchObject({ state: 'done', result: { samples: [{ index: 1, seed: 5 }, { index: 2, seed: 6 }] } });
    const sample = await app.inject({ url: done.links.samples[1] });
    expect(sample.statusCode).toBe(200);
    expect(sample.headers['content-type']).toBe('image/png');
    expect(existsSync(join(cluster.dir, job.id, 'input'))).toBe(false); // inputs go once run

    // Replay: everything after event 1, in order, ending with the final event.
    const replay = parseSse((await app.inject({ url: job.links.events, headers: { 'last-event-id': '1' } })).body);
    expect(replay[0]!.id).toBe(2);
    expect(replay.map((e) => e.id)).toEqual([...replay.map((e) => e.id)].sort((a, b) => a! - b!));
    expect(replay.at(-1)!.event).toBe('done');

    expect((await app.inject({ method: 'DELETE', url: job.links.self })).statusCode).toBe(204);
    expect((await app.inject({ url: job.links.self })).statusCode).toBe(404);
    expect(existsSync(join(cluster.dir, job.id))).toBe(false);
  });

  it('cancels a queued job at once and a running one before its next model call', async () => {
    const app = await cluster.api();
    const queued = (await submit(app)).json();
    const deleted = await app.inject({ method: 'DELETE', url: queued.links.self });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED' } });

    const fake = new FakeLibrary({ steps: 1000, stepMs: 5 });
    await cluster.worker(fakeWorkers(fake));
    const running = (await submit(app)).json();
    await waitFor(() => fake.modelCalls >= 3);
    fake.hold(); // the next model call waits: the cancel must arrive while it is in flight
    await waitFor(() => fake.running === 1 && fake.modelCalls >= 4);
    const callsBefore = fake.modelCalls;
    const deleting = app.inject({ method: 'DELETE', url: running.links.self });
    await waitFor(() => fake.optionsSeen.at(-1)!.signal!.aborted === true);
    fake.release();
    const cancelled = await deleting;
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED' } });
    // The call in flight finished; no further one started.
    expect(fake.modelCalls).toBe(callsBefore);
    expect(fake.calls).toBe(1); // the queued-and-cancelled job never ran
  });

  it('answers POST /v1/colorize through the queue: the image comes back, the job is removed', async () => {
    const app = await cluster.api();
    await cluster.worker(fakeWorkers(new FakeLibrary({ steps: 2 })));
    const response = await app.inject({ method: 'POST', url: '/v1/colorize', headers: { 'content-type': 'image/png' }, payload: grayPng() });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/png');
    expect(response.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    await waitFor(async () => (await app.inject({ url: '/healthz' })).json().jobs.retained === 0);
  });

  it('lists jobs newest first across API processes, behind the token; one webhook per job however many APIs see it end', async () => {
    const receiver = await webhookReceiver();
    try {
      const secured = { token: 'redis-mode-token-0123456789', webhookAllow: [receiver.host], webhookSecret: 'redis-mode-secret-0123' };
      const first = await cluster.api(secured);
      const second = await cluster.api(secured);
      const auth = { authorization: `Bearer ${secured.token}` };
      expect((await first.inject({ url: '/v1/colorizations' })).statusCode).toBe(401);
      const refused = await first.inject({ method: 'POST', url: `/v1/colorizations?webhook=${encodeURIComponent('http://127.0.0.2:9/x')}`, headers: { ...auth, 'content-type': 'image/png' }, payload: grayPng() });
      expect(refused.json().error.code).toBe('WEBHOOK_NOT_ALLOWED');
      const ids: string[] = [];
      for (let k = 0; k < 3; k++) {
        const webhook = k === 1 ? `&webhook=${encodeURIComponent(receiver.url(`/job-${k}`))}` : '';
        const posted = await first.inject({ method: 'POST', url: `/v1/colorizations?options=%7B%7D${webhook}`, headers: { ...auth, 'content-type': 'image/png' }, payload: grayPng() });
        expect(posted.statusCode, posted.body).toBe(202);
        ids.push(posted.json().id);
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
      await cluster.worker(fakeWorkers(new FakeLibrary({ steps: 2 })));
      await waitFor(async () => (await second.inject({ url: '/v1/colorizations?state=done', headers: auth })).json().jobs.length === 3, 10_000);
      const page = (await second.inject({ url: '/v1/colorizations?limit=2', headers: auth })).json();
      expect(page.jobs.map((j: { id: string }) => j.id)).toEqual([ids[2], ids[1]]);
      const rest = (await second.inject({ url: page.links.next, headers: auth })).json();
      expect(rest).toMatchObject({ jobs: [{ id: ids[0] }], next: null });
      await waitFor(() => receiver.received.length === 1);
      // A third API process, started after the job ended, replays its log and does not send it again.
      await cluster.api(secured);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]!.path).toBe('/job-1');
      expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ id: ids[1], state: 'done' });
      expect(receiver.received[0]!.headers['x-color-wizard-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    } finally {
      await receiver.close();
    }
  });

  it('answers 503 QUEUE_FULL with Retry-After when the queue is full', async () => {
    const app = await cluster.api({ queue: 1 });
    expect((await submit(app)).statusCode).toBe(202);
    const refused = await submit(app);
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.code).toBe('QUEUE_FULL');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(503);
  });

  it('expires results after the TTL, with their files', async () => {
    const app = await cluster.api({ resultsTtlSeconds: 1 });
    await cluster.worker(fakeWorkers(new FakeLibrary({ steps: 1 })));
    const job = (await submit(app)).json();
    await waitFor(async () => (await app.inject({ url: job.links.self })).json().state === 'done');
    expect(existsSync(join(cluster.dir, job.id, '1.png'))).toBe(true);
    await waitFor(async () => (await app.inject({ url: job.links.self })).statusCode === 404, 5_000);
    await waitFor(() => !existsSync(join(cluster.dir, job.id)));
  });

  it('loses no job when the API process restarts', async () => {
    const first = await cluster.api();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await submit(first)).json().id as string);
    await cluster.closeApi(first);
    const second = await cluster.api();
    for (const id of ids) expect((await second.inject({ url: `/v1/colorizations/${id}` })).json()).toMatchObject({ state: 'queued' });
    await cluster.worker(fakeWorkers(new FakeLibrary({ steps: 2 })));
    for (const id of ids) {
      const events = parseSse((await second.inject({ url: `/v1/colorizations/${id}/events`, headers: { 'last-event-id': '1' } })).body);
      expect(events.at(-1)!.event).toBe('done');
    }
  });

  it('on SIGTERM a worker hands back a job it cannot finish within the grace time; another runs it', async () => {
    const app = await cluster.api();
    const slow = new FakeLibrary({ steps: 1000, stepMs: 5 });
    const leaving = await cluster.worker(fakeWorkers(slow), { shutdownGraceSeconds: 0.2 });
    const job = (await submit(app, { steps: 500 })).json();
    await waitFor(() => slow.modelCalls >= 2);
    await leaving.drain();
    expect((await app.inject({ url: job.links.self })).json().state).toBe('queued');
    const fast = new FakeLibrary({ stepMs: 0 });
    await cluster.worker(fakeWorkers(fast));
    await waitFor(async () => (await app.inject({ url: job.links.self })).json().state === 'done', 10_000);
    expect(fast.calls).toBe(1);
  });

  it('answers 503 NOT_READY while Redis is away, and works again once it is back', async () => {
    const app = await cluster.api();
    await cluster.worker(fakeWorkers(new FakeLibrary({ steps: 1 })));
    await cluster.redis.stop({ crash: true });
    await waitFor(async () => (await app.inject({ url: '/readyz' })).statusCode === 503);
    const refused = await submit(app);
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error).toMatchObject({ code: 'NOT_READY' });
    expect(refused.headers['retry-after']).toBeDefined();
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    await cluster.redis.restart();
    await waitFor(async () => (await app.inject({ url: '/readyz' })).statusCode === 200, 10_000);
    const job = (await submit(app)).json();
    // The worker reconnected on its own.
    await waitFor(async () => (await app.inject({ url: job.links.self })).json().state === 'done', 15_000);
  });

  it('refuses to start when Redis is unreachable: a QUEUE error (exit code 9)', async () => {
    const dependencies = await queueDependencies({ redisUrl: 'redis://127.0.0.1:1', resultsDir: cluster.dir, connectTimeoutSeconds: 1 });
    await expect(createServer({ ...dependencies })).rejects.toMatchObject({ code: 'QUEUE', message: expect.stringMatching(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/) });
  });
});
