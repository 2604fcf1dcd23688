import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobSchema, ModelListSchema } from '../../src/server/api-schemas.js';
import { createServer } from '../../src/server/index.js';
import { libraryDependencies } from '../../src/server/library.js';
import { grayPng, multipart, parseSse, pngSize, waitFor } from './helpers.js';

/** The real pipeline with the tiny random-weight pack: the server's wiring to the library, end to end. */
const TINY_PACK = resolve(__dirname, '..', 'fixtures', 'tiny-pack');

describe.skipIf(!existsSync(resolve(TINY_PACK, 'manifest.json')))('server with the real pipeline (tiny pack)', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await createServer({ ...(await libraryDependencies({ model: TINY_PACK })), model: TINY_PACK, maxPixels: 1_000_000 });
  });
  afterAll(async () => {
    await app?.close();
  });

  const upload = (options: unknown, image = grayPng(40, 24), url = '/v1/colorizations') =>
    app.inject({ method: 'POST', url, ...multipart([{ name: 'image', value: image, filename: 'photo.png', type: 'image/png' }, { name: 'options', value: JSON.stringify(options) }]) });

  it('becomes ready once the pack is loaded and lists it', async () => {
    await waitFor(async () => (await app.inject({ url: '/readyz' })).statusCode === 200, 30_000);
    const models = ModelListSchema.parse((await app.inject({ url: '/v1/models' })).json());
    expect(models.default).toBe('cw-tiny-random');
    expect(models.models.find((m) => m.name === 'cw-tiny-random')).toMatchObject({ default: true, randomWeights: true });
  });

  it('runs a job: progress over SSE with step k/K, two full-size samples', async () => {
    const response = await upload({ samples: 2, steps: 3, seed: 4, prompt: 'red car' });
    expect(response.statusCode).toBe(202);
    const job = JobSchema.parse(response.json());
    const events = parseSse((await app.inject({ url: job.links.events })).body);
    expect(events.at(-1)!.event).toBe('done');
    const steps = events.filter((e) => e.event === 'progress' && e.data.stage === 'denoising').map((e) => `${e.data.step}/${e.data.totalSteps}`);
    expect(steps).toEqual(['1/3', '2/3', '3/3']);
    const done = JobSchema.parse(events.at(-1)!.data);
    expect(done.result).toMatchObject({ width: 40, height: 24, steps: 3, seed: 4, model: 'cw-tiny-random' });
    for (const href of done.links.samples) {
      const sample = await app.inject({ url: href });
      expect(sample.statusCode).toBe(200);
      expect(pngSize(sample.rawPayload)).toEqual({ width: 40, height: 24 });
    }
  });

  it('synchronous POST /v1/colorize returns the image', async () => {
    const response = await upload({ steps: 2, seed: 9 }, grayPng(32, 32), '/v1/colorize');
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-color-wizard-seed']).toBe('9');
    expect(pngSize(response.rawPayload)).toEqual({ width: 32, height: 32 });
  });

  it('refuses images over the pixel limit (422 from the header) and non-images (415)', async () => {
    const big = await upload({ maxPixels: 100 });
    expect(big.statusCode).toBe(422);
    expect(big.json().error.code).toBe('INPUT_IMAGE');
    const text = await upload({}, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'));
    expect(text.statusCode).toBe(415);
  });

  it('cancels a running job before its next model call', async () => {
    const job = JobSchema.parse((await upload({ steps: 400, seed: 1 })).json());
    await waitFor(async () => JobSchema.parse((await app.inject({ url: job.links.self })).json()).progress?.stage === 'denoising', 30_000);
    const cancelled = await app.inject({ method: 'DELETE', url: job.links.self });
    expect(cancelled.statusCode).toBe(200);
    const body = JobSchema.parse(cancelled.json());
    expect(body.state).toBe('cancelled');
    expect(body.progress!.step!).toBeLessThan(400);
  });
});
