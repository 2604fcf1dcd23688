import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { InputImageError, ModelRunError } from '../../src/errors/index.js';
import { ErrorBodySchema, HealthSchema, JobSchema, ModelListSchema } from '../../src/server/api-schemas.js';
import { createServer, type CreateServerOptions } from '../../src/server/index.js';
import { TINY_PACK } from '../helpers/tiny-pack.js';
import { FakeLibrary, grayPng, multipart, waitFor } from './helpers.js';

const MODELS = [
  { name: 'cw-fake', path: '/srv/models/cw-fake', description: 'fake', workingSize: 64, isDefault: true },
  { name: 'cw-other', path: '/srv/models/cw-other', description: 'other', workingSize: 64, isDefault: false },
];

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function server(options: Partial<CreateServerOptions> = {}, fake = new FakeLibrary()): Promise<{ app: FastifyInstance; fake: FakeLibrary }> {
  app = await createServer({ colorize: fake.colorize, listModels: async () => MODELS, ...options });
  return { app, fake };
}

function submit(target: FastifyInstance, options?: unknown, image: Buffer = grayPng(), url = '/v1/colorizations') {
  const fields: Parameters<typeof multipart>[0] = [{ name: 'image', value: image, filename: 'photo.png', type: 'image/png' }];
  if (options !== undefined) fields.push({ name: 'options', value: JSON.stringify(options) });
  const body = multipart(fields);
  return target.inject({ method: 'POST', url, ...body });
}

async function waitDone(target: FastifyInstance, id: string) {
  let body: any;
  await waitFor(async () => {
    body = (await target.inject({ url: `/v1/colorizations/${id}` })).json();
    return ['done', 'failed', 'cancelled'].includes(body.state);
  });
  return JobSchema.parse(body);
}

function expectError(response: { statusCode: number; json: () => unknown }, status: number, code: string) {
  expect(response.statusCode).toBe(status);
  const body = ErrorBodySchema.parse(response.json());
  expect(body.error.code).toBe(code);
  return body.error;
}

describe('POST /v1/colorizations and the job resources', () => {
  it('queues a multipart upload (202, nanoid, links) and serves state and samples', async () => {
    const { app } = await server();
    const response = await submit(app, { prompt: 'red car', samples: 2, seed: 11 });
    expect(response.statusCode).toBe(202);
    const job = JobSchema.parse(response.json());
    expect(job.id).toMatch(/^[A-Za-z0-9_-]{21}$/);
    expect(response.headers.location).toBe(`/v1/colorizations/${job.id}`);
    expect(job.links).toMatchObject({ self: `/v1/colorizations/${job.id}`, events: `/v1/colorizations/${job.id}/events` });

    const done = await waitDone(app, job.id);
    expect(done.state).toBe('done');
    expect(done.progress).toMatchObject({ stage: expect.any(String) });
    expect(done.result?.samples.map((s) => [s.index, s.seed])).toEqual([
      [1, 11],
      [2, 12],
    ]);
    expect(done.links.samples).toEqual([`/v1/colorizations/${job.id}/samples/1`, `/v1/colorizations/${job.id}/samples/2`]);
    expect(done.expiresAt).not.toBeNull();

    const sample = await app.inject({ url: done.links.samples[1]! });
    expect(sample.statusCode).toBe(200);
    expect(sample.headers['content-type']).toBe('image/png');
    expect(sample.headers['x-color-wizard-seed']).toBe('12');
    expect(sample.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    expect(sample.rawPayload.length).toBe(done.result!.samples[1]!.bytes);
  });

  it('accepts a JSON body with base64 (and a data: URL) and a raw image body', async () => {
    const { app, fake } = await server();
    const json = await app.inject({ method: 'POST', url: '/v1/colorizations', payload: { image: grayPng().toString('base64'), options: { prompt: 'blue sky' } } });
    expect(json.statusCode).toBe(202);
    const dataUrl = await app.inject({ method: 'POST', url: '/v1/colorizations', payload: { image: `data:image/png;base64,${grayPng().toString('base64')}` } });
    expect(dataUrl.statusCode).toBe(202);
    const raw = await app.inject({
      method: 'POST',
      url: `/v1/colorizations?options=${encodeURIComponent(JSON.stringify({ prompt: 'green grass' }))}`,
      headers: { 'content-type': 'image/png' },
      payload: grayPng(),
    });
    expect(raw.statusCode).toBe(202);
    for (const r of [json, dataUrl, raw]) await waitDone(app, r.json().id);
    expect(fake.optionsSeen.map((o) => o.prompt)).toEqual(['blue sky', '', 'green grass']);
  });

  it('passes validated options with the server pixel cap and the default model to the library', async () => {
    const { app, fake } = await server({ maxPixels: 5_000, model: 'cw-other' });
    const job = (await submit(app, { samples: 1, maxPixels: 1_000_000, hints: [{ x: 1, y: 2, color: '#c20' }] })).json();
    await waitDone(app, job.id);
    expect(fake.optionsSeen[0]).toMatchObject({ maxPixels: 5_000, model: 'cw-other', hints: [{ x: 1, y: 2, color: '#c20' }], format: 'png' });
    expect(fake.optionsSeen[0]!.signal).toBeInstanceOf(AbortSignal);
  });

  it('resolves a listed model name to its pack folder', async () => {
    const { app, fake } = await server();
    const job = (await submit(app, { model: 'cw-other' })).json();
    await waitDone(app, job.id);
    expect(fake.optionsSeen[0]!.model).toBe('/srv/models/cw-other');
  });

  it('records a failed run with its error code', async () => {
    const fake = new FakeLibrary({ failAt: { step: 2, error: new ModelRunError('prior.onnx failed', { details: { component: 'prior' } }) } });
    const { app } = await server({}, fake);
    const job = (await submit(app)).json();
    const done = await waitDone(app, job.id);
    expect(done.state).toBe('failed');
    expect(done.error).toEqual({ code: 'MODEL_RUN', message: 'prior.onnx failed', details: { component: 'prior' } });
    expectError(await app.inject({ url: `/v1/colorizations/${job.id}/samples/1` }), 409, 'CONFLICT');
  });

  it('does not leak unknown errors to clients', async () => {
    const fake = new FakeLibrary({ failAt: { step: 1, error: new Error('secret /etc/path exploded') } });
    const { app } = await server({}, fake);
    const done = await waitDone(app, (await submit(app)).json().id);
    expect(done.error).toEqual({ code: 'INTERNAL', message: 'internal error (see the server log)' });
  });
});

describe('error statuses', () => {
  it('400 OPTIONS with zod issues for invalid options', async () => {
    const { app } = await server();
    const error = expectError(await submit(app, { samples: 99, scheduler: '', bogus: 1 }), 400, 'OPTIONS');
    const paths = (error.details!.issues as Array<{ path: string[] }>).map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['samples', 'scheduler', '']));
    // Same through JSON
    const json = expectError(await app.inject({ method: 'POST', url: '/v1/colorizations', payload: { image: grayPng().toString('base64'), options: { samples: 0 } } }), 400, 'OPTIONS');
    expect(json.details!.issues).toEqual([expect.objectContaining({ path: ['samples'] })]);
  });

  it('400 for malformed requests: options not JSON, unknown field, no image, bad base64, unknown model', async () => {
    const { app } = await server();
    expectError(await app.inject({ method: 'POST', url: '/v1/colorizations', ...multipart([{ name: 'image', value: grayPng(), filename: 'a.png' }, { name: 'options', value: '{nope' }]) }), 400, 'OPTIONS');
    expectError(await app.inject({ method: 'POST', url: '/v1/colorizations', ...multipart([{ name: 'image', value: grayPng(), filename: 'a.png' }, { name: 'prompt', value: 'x' }]) }), 400, 'BAD_REQUEST');
    expectError(await app.inject({ method: 'POST', url: '/v1/colorizations', ...multipart([{ name: 'options', value: '{}' }]) }), 400, 'BAD_REQUEST');
    expectError(await app.inject({ method: 'POST', url: '/v1/colorizations', payload: { image: '!!!not base64!!!' } }), 400, 'BAD_REQUEST');
    expectError(await app.inject({ method: 'POST', url: '/v1/colorizations', payload: { picture: 'x' } }), 400, 'BAD_REQUEST');
    expectError(await app.inject({ method: 'POST', url: '/v1/colorizations', headers: { 'content-type': 'application/json' }, payload: '{"image":' }), 400, 'BAD_REQUEST');
    const unknownModel = expectError(await submit(app, { model: '/etc' }), 400, 'OPTIONS');
    expect(unknownModel.message).toContain('available: cw-fake, cw-other');
  });

  it('400 before queueing for an anchor the chosen pack cannot take (no anchor head)', async () => {
    const tiny = { name: 'cw-tiny-random', path: TINY_PACK, description: 'tiny', workingSize: 32, isDefault: true };
    const { app, fake } = await server({ listModels: async () => [tiny] });
    const refused = expectError(await submit(app, { model: 'cw-tiny-random', anchor: 0.5 }), 400, 'OPTIONS');
    expect(refused.message).toMatch(/has no anchor head/);
    expect(fake.calls).toBe(0);
    expect((await submit(app, { model: 'cw-tiny-random', anchor: 0 })).statusCode).toBe(202);
  });

  it('413 beyond the body limit (JSON, raw and multipart)', async () => {
    const { app } = await server({ bodyLimit: 4096 });
    const big = Buffer.concat([grayPng(), Buffer.alloc(8192)]);
    expectError(await app.inject({ method: 'POST', url: '/v1/colorizations', payload: { image: big.toString('base64') } }), 413, 'BODY_TOO_LARGE');
    expectError(await app.inject({ method: 'POST', url: '/v1/colorizations', headers: { 'content-type': 'image/png' }, payload: big }), 413, 'BODY_TOO_LARGE');
    expectError(await submit(app, undefined, big), 413, 'BODY_TOO_LARGE');
  });

  it('415 for an unsupported content type or image format', async () => {
    const { app } = await server();
    expectError(await app.inject({ method: 'POST', url: '/v1/colorizations', headers: { 'content-type': 'text/plain' }, payload: 'hello' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const bmp = Buffer.concat([Buffer.from('BM'), Buffer.alloc(64)]);
    const error = expectError(await submit(app, undefined, bmp), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(error.details!.supported).toContain('image/png');
  });

  it('422 INPUT_IMAGE when the probe refuses the image (pixel limit)', async () => {
    const probe = async (_image: Buffer, { maxPixels }: { maxPixels: number }) => {
      throw new InputImageError(`the image has 1536 pixels, over the limit of ${maxPixels}`, { details: { pixels: 1536, maxPixels } });
    };
    const { app, fake } = await server({ probe, maxPixels: 1000 });
    const error = expectError(await submit(app), 422, 'INPUT_IMAGE');
    expect(error.details).toEqual({ pixels: 1536, maxPixels: 1000 });
    expect(fake.calls).toBe(0);
  });

  it('404 for unknown jobs, malformed ids, missing samples and unknown routes', async () => {
    const { app } = await server();
    expectError(await app.inject({ url: '/v1/colorizations/AAAAAAAAAAAAAAAAAAAAA' }), 404, 'NOT_FOUND');
    expectError(await app.inject({ url: '/v1/colorizations/..%2F..%2Fetc%2Fpasswd' }), 404, 'NOT_FOUND');
    expectError(await app.inject({ method: 'DELETE', url: '/v1/colorizations/nope' }), 404, 'NOT_FOUND');
    expectError(await app.inject({ url: '/v1/colorizations/nope/events' }), 404, 'NOT_FOUND');
    const job = (await submit(app)).json();
    await waitDone(app, job.id);
    expectError(await app.inject({ url: `/v1/colorizations/${job.id}/samples/2` }), 404, 'NOT_FOUND');
    expectError(await app.inject({ url: `/v1/colorizations/${job.id}/samples/0` }), 404, 'NOT_FOUND');
    expectError(await app.inject({ url: `/v1/colorizations/${job.id}/samples/..%2F1` }), 404, 'NOT_FOUND');
    expectError(await app.inject({ url: '/v2/nothing' }), 404, 'NOT_FOUND');
  });

  it('409 for a sample of a job that is not done', async () => {
    const fake = new FakeLibrary();
    fake.hold();
    const { app } = await server({}, fake);
    const job = (await submit(app)).json();
    expectError(await app.inject({ url: `/v1/colorizations/${job.id}/samples/1` }), 409, 'CONFLICT');
    fake.release();
  });

  it('503 QUEUE_FULL with Retry-After when the queue is full', async () => {
    const fake = new FakeLibrary();
    fake.hold();
    const { app } = await server({ concurrency: 1, queue: 1 }, fake);
    expect((await submit(app)).statusCode).toBe(202);
    expect((await submit(app)).statusCode).toBe(202);
    const full = await submit(app);
    expectError(full, 503, 'QUEUE_FULL');
    expect(Number(full.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ ready: false, reason: 'queue full' });
    fake.release();
  });

  it('never answers 500 on garbage: random bodies and content types', async () => {
    const { app } = await server();
    const types = ['application/json', 'multipart/form-data', 'multipart/form-data; boundary=x', 'image/png', 'application/octet-stream', 'image/jpeg'];
    for (const type of types) {
      for (const payload of [Buffer.alloc(0), Buffer.from('garbage\r\n--x\r\n'), Buffer.from([0xff, 0xd8, 0xff, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9])]) {
        const response = await app.inject({ method: 'POST', url: '/v1/colorizations', headers: { 'content-type': type }, payload });
        expect(response.statusCode, `${type} ${payload.toString('hex')}`).toBeLessThan(500);
      }
    }
    // A JPEG-looking body is accepted (the fake does not decode); the job then runs.
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('POST /v1/colorize (synchronous)', () => {
  it('returns the image of one sample', async () => {
    const { app } = await server();
    const response = await submit(app, { seed: 5 }, grayPng(), '/v1/colorize');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/png');
    expect(response.headers['x-color-wizard-seed']).toBe('5');
    expect(response.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    expect(app.colorWizardJobs.stats()).toMatchObject({ queued: 0, running: 0, retained: 0 });
  });

  it('refuses several samples, maps run errors and times out with 504', async () => {
    const { app } = await server();
    expectError(await submit(app, { samples: 2 }, grayPng(), '/v1/colorize'), 400, 'OPTIONS');
    await app.close();

    const failing = await server({}, new FakeLibrary({ failAt: { step: 1, error: new ModelRunError('boom') } }));
    expectError(await submit(failing.app, {}, grayPng(), '/v1/colorize'), 500, 'MODEL_RUN');
    await failing.app.close();

    const slow = await server({ timeoutSeconds: 0.2 }, new FakeLibrary({ steps: 50, stepMs: 20 }));
    const timedOut = expectError(await submit(slow.app, {}, grayPng(), '/v1/colorize'), 504, 'TIMEOUT');
    expect(timedOut.message).toContain('0.2 s');
    expect(slow.app.colorWizardJobs.stats().running).toBe(0);
  });
});

describe('system endpoints', () => {
  it('GET /v1/models lists packs without server paths', async () => {
    const { app } = await server();
    const body = ModelListSchema.parse((await app.inject({ url: '/v1/models' })).json());
    expect(body.default).toBe('cw-fake');
    expect(body.models.map((m) => [m.name, m.default])).toEqual([
      ['cw-fake', true],
      ['cw-other', false],
    ]);
    expect(JSON.stringify(body)).not.toContain('/srv/models');
  });

  it('GET /healthz and /readyz (503 while warming up, then 200)', async () => {
    let warm!: () => void;
    const { app } = await server({ warmup: () => new Promise<void>((resolve) => (warm = resolve)) });
    const health = HealthSchema.parse((await app.inject({ url: '/healthz' })).json());
    expect(health.jobs).toMatchObject({ queued: 0, running: 0, concurrency: 1, queueSize: 16 });
    expect((await app.inject({ url: '/readyz' })).json()).toEqual({ ready: false, reason: 'warming up' });
    warm();
    await waitFor(async () => (await app.inject({ url: '/readyz' })).statusCode === 200);
    expect((await app.inject({ url: '/readyz' })).json()).toEqual({ ready: true });
  });

  it('GET /readyz reports a failed warm-up', async () => {
    const { app } = await server({ warmup: async () => Promise.reject(new Error('no pack')) });
    await waitFor(async () => (await app.inject({ url: '/readyz' })).json().reason === 'warm-up failed: no pack');
  });

  it('GET /openapi.json documents every endpoint with schemas from zod', async () => {
    const { app } = await server();
    const doc = (await app.inject({ url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/colorizations',
        '/v1/colorizations/{id}',
        '/v1/colorizations/{id}/samples/{n}',
        '/v1/colorizations/{id}/events',
        '/v1/colorize',
        '/v1/models',
        '/healthz',
        '/readyz',
        '/openapi.json',
        '/',
      ]),
    );
    const options = doc.components.schemas.ColorizeOptions;
    expect(options.properties.samples).toMatchObject({ type: 'integer', minimum: 1, maximum: 16 });
    expect(options.additionalProperties).toBe(false);
    expect(doc.components.schemas.Job.properties.state.enum).toEqual(['queued', 'running', 'done', 'failed', 'cancelled']);
    expect(doc.components.schemas.JsonSubmission.properties.options.$ref).toBe('#/components/schemas/ColorizeOptions');
    expect(doc.paths['/v1/colorizations'].post.responses['202'].content['application/json'].schema.$ref).toBe('#/components/schemas/Job');
    // Every $ref resolves.
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? [];
    for (const ref of refs) expect(doc.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
  });

  it('GET / serves the self-contained page', async () => {
    const { app } = await server();
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(page.body).toContain('/v1/colorizations');
    expect(page.body).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });

  it('CORS is off by default and on for the configured origin', async () => {
    const off = await server();
    const plain = await off.app.inject({ url: '/healthz', headers: { origin: 'https://tool.example' } });
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
    await off.app.close();

    const on = await server({ cors: 'https://tool.example' });
    const allowed = await on.app.inject({ url: '/healthz', headers: { origin: 'https://tool.example' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://tool.example');
    const preflight = await on.app.inject({ method: 'OPTIONS', url: '/v1/colorizations', headers: { origin: 'https://tool.example', 'access-control-request-method': 'POST' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
  });
});
