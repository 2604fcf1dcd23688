import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ColorizeOptionsSchema } from '../../src/pipeline/options-schema.js';
import { ErrorBodySchema } from '../../src/server/api-schemas.js';
import { createServer, type CreateServerOptions } from '../../src/server/index.js';
import { SCHEDULER_NAMES } from '../../src/schedulers/index.js';
import { FakeLibrary, grayPng, multipart, pngSize } from './helpers.js';

// Issue 13: options the library would refuse are refused before a job is queued, and the options part
// is read alike whether it comes as a text field or as a JSON part.

const MODELS = [{ name: 'cw-fake', path: '/srv/models/cw-fake', description: 'fake', workingSize: 64, isDefault: true }];

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function server(options: Partial<CreateServerOptions> = {}, fake = new FakeLibrary()) {
  app = await createServer({ colorize: fake.colorize, listModels: async () => MODELS, ...options });
  return { app, fake };
}

const probe = async (image: Buffer) => pngSize(image);

function post(target: FastifyInstance, fields: Parameters<typeof multipart>[0]) {
  return target.inject({ method: 'POST', url: '/v1/colorizations', ...multipart([{ name: 'image', value: grayPng(48, 32), filename: 'a.png', type: 'image/png' }, ...fields]) });
}

function expectOptionsError(response: { statusCode: number; json: () => unknown }) {
  expect(response.statusCode).toBe(400);
  const body = ErrorBodySchema.parse(response.json());
  expect(body.error.code).toBe('OPTIONS');
  return body.error;
}

describe('options refused before queueing (400, not 202 and a failed job)', () => {
  it('an unknown scheduler is a 400 listing the real names', async () => {
    const { app, fake } = await server({ probe });
    const error = expectOptionsError(await post(app, [{ name: 'options', value: JSON.stringify({ scheduler: 'warp-drive' }) }]));
    expect(error.message).toContain('dpmpp-2m');
    expect(fake.calls).toBe(0);
    for (const name of SCHEDULER_NAMES) expect((await post(app, [{ name: 'options', value: JSON.stringify({ scheduler: name }) }])).statusCode).toBe(202);
  });

  it('a hint outside the decoded image is a 400', async () => {
    const { app, fake } = await server({ probe });
    const error = expectOptionsError(await post(app, [{ name: 'options', value: JSON.stringify({ hints: [{ x: 48, y: 1, color: '#f00' }] }) }]));
    expect(error.message).toContain('outside the 48×32 image');
    expect(fake.calls).toBe(0);
    expect((await post(app, [{ name: 'options', value: JSON.stringify({ hints: [{ x: 47, y: 31, color: '#f00' }] }) }])).statusCode).toBe(202);
  });

  it('OpenAPI documents scheduler as an enum of the scheduler names', async () => {
    const { app } = await server();
    const doc = (await app.inject({ url: '/openapi.json' })).json();
    expect(doc.components.schemas.ColorizeOptions.properties.scheduler.enum).toEqual([...SCHEDULER_NAMES]);
    expect(doc.components.schemas.JobResult.properties.scheduler.enum).toEqual([...SCHEDULER_NAMES]);
  });
});

describe('multipart options part', () => {
  const options = { seed: 7, prompt: 'red car' };
  for (const [label, field] of [
    ['a text field', { name: 'options', value: JSON.stringify(options) }],
    ['a field with Content-Type application/json', { name: 'options', value: JSON.stringify(options), type: 'application/json' }],
    ['a file part (FormData with a Blob)', { name: 'options', value: JSON.stringify(options), filename: 'blob', type: 'application/json' }],
  ] as const) {
    it(`accepts options as ${label}`, async () => {
      const { app, fake } = await server();
      const response = await post(app, [field]);
      expect(response.statusCode, response.body).toBe(202);
      await new Promise((r) => setTimeout(r, 50));
      expect(fake.optionsSeen[0]).toMatchObject(options);
    });
  }

  it('a JSON part that is not JSON is still a 400 OPTIONS', async () => {
    const { app } = await server();
    const response = await post(app, [{ name: 'options', value: '{nope', type: 'application/json' }]);
    expect(expectOptionsError(response).message).toContain('not valid JSON');
  });
});

describe('options parsed once', () => {
  it('a JSON body’s options are parsed once, and their issues read as multipart’s do', async () => {
    const { app } = await server();
    const spy = vi.spyOn(ColorizeOptionsSchema, 'safeParse');
    try {
      const bad = await app.inject({ method: 'POST', url: '/v1/colorizations', payload: { image: grayPng().toString('base64'), options: { samples: 0 } } });
      expect(expectOptionsError(bad).details!.issues).toEqual([expect.objectContaining({ path: ['samples'] })]);
      const good = await app.inject({ method: 'POST', url: '/v1/colorizations', payload: { image: grayPng().toString('base64'), options: { samples: 2 } } });
      expect(good.statusCode).toBe(202);
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });
});
