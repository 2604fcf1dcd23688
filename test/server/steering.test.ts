import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { InputImageError } from '../../src/errors/index.js';
import { ErrorBodySchema, JobSchema } from '../../src/server/api-schemas.js';
import { createServer, type CreateServerOptions } from '../../src/server/index.js';
import { FakeLibrary, grayPng, multipart, waitFor } from './helpers.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** The fake probe answers the size of grayPng() (48×32), as the real header probe would. */
const probe = async (image: Buffer) => {
  if (image.subarray(0, 4).toString('latin1') !== '\x89PNG') throw new InputImageError('not an image the decoder knows');
  return { width: 48, height: 32, format: 'png' };
};

async function server(options: Partial<CreateServerOptions> = {}) {
  const fake = new FakeLibrary();
  app = await createServer({ colorize: fake.colorize, probe, ...options });
  return { app, fake };
}

function submit(target: FastifyInstance, options?: unknown, extra: Parameters<typeof multipart>[0] = []) {
  const fields: Parameters<typeof multipart>[0] = [{ name: 'image', value: grayPng(), filename: 'photo.png', type: 'image/png' }, ...extra];
  if (options !== undefined) fields.push({ name: 'options', value: JSON.stringify(options) });
  return target.inject({ method: 'POST', url: '/v1/colorizations', ...multipart(fields) });
}

function expect400(response: { statusCode: number; json: () => unknown }, pattern: RegExp) {
  expect(response.statusCode).toBe(400);
  const { error } = ErrorBodySchema.parse(response.json());
  expect(error.code).toBe('OPTIONS');
  expect(error.message).toMatch(pattern);
}

const dataUrl = `data:image/png;base64,${grayPng().toString('base64')}`;

describe('hints, strokes, reference, palette and strength over HTTP', () => {
  it('queues valid steering options and hands them to the library', async () => {
    const { app, fake } = await server();
    const options = { strokes: [{ points: [[1, 1], [40, 30]], color: '#2f7a2f', width: 4 }], palette: ['#aa3322'], strength: 1.5, reference: dataUrl };
    expect((await submit(app, options)).statusCode).toBe(202);
    await waitFor(async () => fake.calls === 1);
    expect(fake.optionsSeen[0]).toMatchObject({ strength: 1.5, palette: ['#aa3322'], reference: dataUrl });
  });

  it('400 before queueing for hints or strokes outside the image, bad palettes, strength and references', async () => {
    const { app, fake } = await server();
    expect400(await submit(app, { hints: [{ x: 48, y: 1, color: '#fff' }] }), /hint 1: \(48, 1\) lies outside the 48×32 image/);
    expect400(await submit(app, { strokes: [{ points: [[1, 1], [10, 99]], color: '#fff' }] }), /stroke 1, point 2: \(10, 99\)/);
    expect400(await submit(app, { strokes: [{ points: [], color: '#fff' }] }), /stroke 1 points: at least one/);
    expect400(await submit(app, { palette: ['redd'] }), /palette color 1: unknown color "redd".*did you mean "red"/);
    expect400(await submit(app, { strength: 2.5 }), /strength/);
    expect400(await submit(app, { reference: '/etc/passwd' }), /reference: send the reference photo as a data:image/);
    expect400(await submit(app, { reference: 'data:image/png;base64,@@@' }), /reference/);
    expect400(await submit(app, { reference: 'data:image/png;base64,AAAA' }), /reference: not an image/);
    expect(fake.calls).toBe(0);
  });

  it('takes the reference as a multipart file part', async () => {
    const { app, fake } = await server();
    const reference = { name: 'reference', value: grayPng(), filename: 'ref.png', type: 'image/png' };
    expect((await submit(app, { strength: 0.5 }, [reference])).statusCode).toBe(202);
    await waitFor(async () => fake.calls === 1);
    expect(String(fake.optionsSeen[0].reference)).toMatch(/^data:image\/png;base64,/);
    expect400(await submit(app, { reference: dataUrl }, [reference]), /both/);
  });

  it('re-tones a finished sample with ?strength without running the model again', async () => {
    const seen: number[] = [];
    const { app, fake } = await server({ adjustStrength: async (image, factor) => (seen.push(factor), Buffer.concat([image, Buffer.from('!')])) });
    const job = JobSchema.parse((await submit(app, {})).json());
    await waitFor(async () => (await app.inject({ url: `/v1/colorizations/${job.id}` })).json().state === 'done');
    const plain = await app.inject({ url: `/v1/colorizations/${job.id}/samples/1` });
    const toned = await app.inject({ url: `/v1/colorizations/${job.id}/samples/1?strength=0.5` });
    expect(toned.rawPayload.length).toBe(plain.rawPayload.length + 1);
    expect(seen).toEqual([0.5]);
    expect(fake.calls).toBe(1);
    expect400(await app.inject({ url: `/v1/colorizations/${job.id}/samples/1?strength=9` }), /strength/);
  });

  it('documents strength on samples and the reference part in OpenAPI', async () => {
    const { app } = await server();
    const doc = (await app.inject({ url: '/openapi.json' })).json();
    const params = doc.paths['/v1/colorizations/{id}/samples/{n}'].parameters.map((p: { name: string }) => p.name);
    expect(params).toContain('strength');
    const options = doc.components.schemas.ColorizeOptions.properties;
    for (const key of ['strokes', 'reference', 'palette', 'strength']) expect(options).toHaveProperty(key);
  });
});
