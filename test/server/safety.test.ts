import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { ColorizeInput, ColorizeOptions, ColorizeResult } from '../../src/pipeline/types.js';
import { estimateRunMemory } from '../../src/pipeline/index.js';
import { estimateRetryAfter } from '../../src/server/retry-after.js';
import { useTmpfs } from '../helpers/tmpfs.js';
import { FakeLibrary, grayPng, multipart, pngSize, testServers, waitFor } from './helpers.js';

const server = testServers();

const submit = (target: FastifyInstance, options?: unknown, image = grayPng()) => {
  const fields: Parameters<typeof multipart>[0] = [{ name: 'image', value: image, filename: 'photo.png', type: 'image/png' }];
  if (options !== undefined) fields.push({ name: 'options', value: JSON.stringify(options) });
  return target.inject({ method: 'POST', url: '/v1/colorizations', ...multipart(fields) });
};

async function finished(target: FastifyInstance, id: string): Promise<any> {
  let body: any;
  await waitFor(async () => {
    body = (await target.inject({ url: `/v1/colorizations/${id}` })).json();
    return ['done', 'failed', 'cancelled'].includes(body.state);
  });
  return body;
}

const JOB_ID = 'AAAAAAAAAAAAAAAAAAAAA';

describe('results on disk', () => {
  const tmpfs = useTmpfs(64 * 1024);

  it('a full disk fails the job with OUTPUT naming the file, and leaves nothing behind', async (ctx) => {
    const disk = tmpfs();
    if (disk.dir === undefined) return ctx.skip(disk.reason);
    const big = Buffer.alloc(200 * 1024, 7);
    const colorize = async (_input: ColorizeInput, options: ColorizeOptions): Promise<ColorizeResult> => {
      const result = await new FakeLibrary().colorize(_input, options);
      return { ...result, samples: result.samples.map((s) => ({ ...s, image: big })) };
    };
    const { app } = await server({ colorize, resultsDir: disk.dir });
    const job = (await submit(app)).json();
    const body = await finished(app, job.id);
    expect(body.state).toBe('failed');
    expect(body.error.code).toBe('OUTPUT');
    expect(body.error.message).toBe(`Cannot write results/${job.id}/1.png: no space left on device (ENOSPC)`);
    expect(readdirSync(disk.dir)).toEqual([]);
    expect((await app.inject({ method: 'DELETE', url: `/v1/colorizations/${job.id}` })).statusCode).toBe(204);
  });

  it('on start, removes result folders an earlier server left (kill -9), and nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-sweep-'));
    mkdirSync(join(dir, JOB_ID));
    writeFileSync(join(dir, JOB_ID, '1.png'), 'old');
    writeFileSync(join(dir, 'notes.txt'), 'not ours');
    mkdirSync(join(dir, 'other-folder'));
    await server({ resultsDir: dir });
    expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'other-folder']);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('refusing work', () => {
  it('POST is 503 NOT_READY while warming up and after a failed warm-up (a broken default pack)', async () => {
    let finish!: (ok: boolean) => void;
    const warm = new Promise<void>((resolve, reject) => (finish = (ok) => (ok ? resolve() : reject(new Error('manifest.json: bad hash')))));
    const { app, fake } = await server({ warmup: () => warm });
    const warming = await submit(app);
    expect(warming.statusCode).toBe(503);
    expect(warming.json().error.code).toBe('NOT_READY');
    expect(warming.headers['retry-after']).toBe('2');
    finish(false);
    await waitFor(async () => (await app.inject({ url: '/readyz' })).json().reason?.startsWith('warm-up failed') === true);
    const broken = await submit(app);
    expect(broken.statusCode).toBe(503);
    expect(broken.json().error).toMatchObject({ code: 'NOT_READY', details: { reason: 'warm-up failed: manifest.json: bad hash' } });
    expect(fake.calls).toBe(0);
  });

  it('Retry-After comes from measured run times, not a fixed guess', async () => {
    const fake = new FakeLibrary({ stepMs: 1 });
    const { app } = await server({ concurrency: 1, queue: 3 }, fake);
    fake.hold();
    for (let i = 0; i < 4; i++) expect((await submit(app)).statusCode).toBe(202);
    const refused = await submit(app);
    expect(refused.statusCode).toBe(503);
    // Nothing measured yet but a job running for milliseconds: 1 s, where a 5 s guess said 20 s.
    expect(refused.headers['retry-after']).toBe('1');
    fake.release();
    expect(estimateRetryAfter({ meanRunMs: 200, runningElapsedMs: [50], waiting: 16, concurrency: 1 })).toBe(4);
    expect(estimateRetryAfter({ meanRunMs: 60_000, runningElapsedMs: [0, 0], waiting: 8, concurrency: 2 })).toBe(300);
  });

  it('operator caps: decode pixels (400), samples × pixels and memory (413), before the job is queued', async () => {
    const probe = async (image: Buffer) => pngSize(image);
    const { app, fake } = await server({ probe, maxDecodePixels: 2_000_000, maxSamplePixels: 4000, maxJobMemory: estimateRunMemory({ width: 48, height: 32, samples: 1, decodeMaxPixels: 1_048_576 }) });
    const decode = await submit(app, { decodeMaxPixels: 1_000_000_000 });
    expect([decode.statusCode, decode.json().error.code]).toEqual([400, 'OPTIONS']);
    expect(decode.json().error.message).toMatch(/over this server's limit of 2000000/);
    const samples = await submit(app, { samples: 3 }); // 3 × 48 × 32 = 4608 > 4000
    expect([samples.statusCode, samples.json().error.code]).toEqual([413, 'JOB_TOO_LARGE']);
    const memory = await submit(app, { samples: 2 });
    expect([memory.statusCode, memory.json().error.code]).toEqual([413, 'JOB_TOO_LARGE']);
    expect(memory.json().error.message).toMatch(/needs about \d+ MiB/);
    expect((await submit(app, { samples: 1 })).statusCode).toBe(202);
    await waitFor(() => fake.calls === 1);
  });
});

describe('HTTP edge cases in the documented shape', () => {
  it('refuses a repeated ?options=', async () => {
    const { app } = await server();
    const response = await app.inject({ method: 'POST', url: '/v1/colorize?options=%7B%7D&options=%7B%22samples%22%3A2%7D', headers: { 'content-type': 'image/png' }, payload: grayPng() });
    expect([response.statusCode, response.json().error.code]).toEqual([400, 'OPTIONS']);
    expect(response.json().error.message).toMatch(/given 2 times/);
  });

  it('an options file part is held to the 1 MiB field limit, not the body limit', async () => {
    const { app } = await server();
    const body = multipart([
      { name: 'image', value: grayPng(), filename: 'photo.png', type: 'image/png' },
      { name: 'options', value: Buffer.alloc(3 * 1024 * 1024, 0x20), filename: 'options.json', type: 'application/json' },
    ]);
    const response = await app.inject({ method: 'POST', url: '/v1/colorizations', ...body });
    expect([response.statusCode, response.json().error.code]).toEqual([413, 'BODY_TOO_LARGE']);
  });

  it("Fastify's and Node's own errors (414 long id, bad URL, short body) carry { error: { code, message } } and CORS", async () => {
    const { app } = await server({ cors: 'https://studio.example' });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const origin = { origin: 'https://studio.example' };
    const long = await fetch(`${base}/v1/colorizations/${'a'.repeat(200)}`, { headers: origin });
    expect(long.status).toBe(414);
    expect(long.headers.get('access-control-allow-origin')).toBe('https://studio.example');
    expect(((await long.json()) as any).error.code).toBe('URI_TOO_LONG');
    const bad = await fetch(`${base}/v1/colorizations/%E0%A4%A`, { headers: origin });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('access-control-allow-origin')).toBe('https://studio.example');
    expect(((await bad.json()) as any).error.code).toBe('BAD_REQUEST');

    const { port } = new URL(base);
    const raw = await new Promise<string>((resolve) => {
      let text = '';
      const socket = connect(Number(port), '127.0.0.1', () => socket.end('POST /v1/colorize HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 5\r\n\r\n1234567890'));
      socket.on('data', (chunk) => (text += chunk));
      socket.on('close', () => resolve(text));
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toMatch(/access-control-allow-origin: https:\/\/studio\.example/i);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)).error.code).toBe('BAD_REQUEST');
  });
});
