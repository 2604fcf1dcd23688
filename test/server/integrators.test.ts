import { createHmac } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { COLOR_NAMES } from '../../src/prompts/index.js';
import { SCHEDULER_NAMES } from '../../src/schedulers/index.js';
import { OUTPUT_FORMATS, PIPELINE_STAGES } from '../../src/pipeline/index.js';
import { JobListSchema, JobSchema, JOB_STATES } from '../../src/server/api-schemas.js';
import { isLoopback, serve } from '../../src/server/serve.js';
import { HTTP_ERROR_CODES } from '../../src/server/http-errors.js';
import { createServer, type CreateServerOptions } from '../../src/server/index.js';
import { FakeLibrary, grayPng, multipart, waitFor } from './helpers.js';
import { webhookReceiver } from './webhook-receiver.js';
import { hostAllowed } from '../../src/server/webhooks.js';

// Issue 15 items 10 and 11: what an integrator relies on — a valid OpenAPI 3.1 document, a paged job
// list, bearer-token auth, and signed webhooks to allowed hosts only.

const TOKEN = 'test-token-0123456789abcdef';
const SECRET = 'webhook-secret-0123456789';
const MODELS = [{ name: 'cw-fake', path: '/srv/cw-fake', isDefault: true }];

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function server(options: Partial<CreateServerOptions> = {}, fake = new FakeLibrary()): Promise<{ app: FastifyInstance; fake: FakeLibrary }> {
  const app = await createServer({ colorize: fake.colorize, listModels: async () => MODELS, ...options });
  cleanup.push(() => app.close());
  return { app, fake };
}

const raw = (app: FastifyInstance, query = '', headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: `/v1/colorizations${query}`, headers: { 'content-type': 'image/png', ...headers }, payload: grayPng() });

async function waitState(app: FastifyInstance, id: string, headers: Record<string, string> = {}) {
  let body: { state: string } = { state: '' };
  await waitFor(async () => ['done', 'failed', 'cancelled'].includes((body = (await app.inject({ url: `/v1/colorizations/${id}`, headers })).json()).state));
  return body;
}

type Doc = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any>; securitySchemes?: Record<string, any> }; [key: string]: any };

describe('OpenAPI 3.1 (item 10)', () => {
  for (const auth of [false, true]) {
    it(`validates with an OpenAPI schema validator${auth ? ', with bearer auth' : ''}; every operation has a unique operationId`, async () => {
      const { app } = await server(auth ? { token: TOKEN } : {});
      const response = await app.inject({ url: '/openapi.json' }); // public even with a token
      expect(response.statusCode).toBe(200);
      const doc = response.json() as Doc;
      const validator = new Validator();
      const result = await validator.validate(structuredClone(doc));
      expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
      expect(result.valid).toBe(true);
      expect(validator.version).toBe('3.1');

      const ids: string[] = [];
      for (const [path, item] of Object.entries(doc.paths)) {
        for (const method of ['get', 'post', 'delete', 'put', 'patch']) {
          if (item[method] === undefined) continue;
          expect(item[method].operationId, `${method} ${path}`).toEqual(expect.any(String));
          ids.push(item[method].operationId);
        }
      }
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expect.arrayContaining(['createColorization', 'listColorizations', 'getColorization', 'cancelColorization', 'getSample', 'streamColorizationEvents', 'colorize', 'listModels', 'getHealth', 'getReadiness']));
      if (auth) {
        expect(doc.components.securitySchemes!.bearerAuth).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
        expect(doc.paths['/healthz'].get.security).toEqual([]);
        expect(doc.paths['/v1/colorizations'].post.responses['401']).toBeDefined();
      } else {
        expect(doc.security).toBeUndefined();
      }
    });
  }

  it('declares the raw upload’s options (and webhook) query parameters, and enums for closed sets', async () => {
    const { app } = await server();
    const doc = (await app.inject({ url: '/openapi.json' })).json() as Doc;
    const post = doc.paths['/v1/colorizations'].post;
    const options = post.parameters.find((p: { name: string }) => p.name === 'options');
    expect(options).toMatchObject({ in: 'query', content: { 'application/json': { schema: { $ref: '#/components/schemas/ColorizeOptions' } } } });
    expect(post.parameters.map((p: { name: string }) => p.name)).toContain('webhook');
    expect(doc.paths['/v1/colorize'].post.parameters.map((p: { name: string }) => p.name)).toEqual(['options']);

    const s = doc.components.schemas;
    expect(s.Job.properties.state.enum).toEqual([...JOB_STATES]);
    expect(s.Progress.properties.stage.enum).toEqual([...PIPELINE_STAGES]);
    expect(s.Progress.properties.etaMs).toBeDefined();
    expect(s.ColorizeOptions.properties.scheduler.enum).toEqual([...SCHEDULER_NAMES]);
    expect(s.ColorizeOptions.properties.format.enum).toEqual([...OUTPUT_FORMATS]);
    expect(s.ErrorInfo.properties.code.enum).toEqual([...HTTP_ERROR_CODES]);
    expect(s.ErrorInfo.properties.code.enum).toEqual(expect.arrayContaining(['UNAUTHORIZED', 'WEBHOOK_NOT_ALLOWED', 'QUEUE_FULL', 'OPTIONS']));
    expect(s.ColorizeOptions.properties.hints.items.properties.color.anyOf[1].enum).toEqual([...COLOR_NAMES]);
    const list = doc.paths['/v1/colorizations'].get.parameters;
    expect(list.map((p: { name: string }) => p.name)).toEqual(['limit', 'cursor', 'state']);
    expect(list[0].schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 20 });
    expect(doc.webhooks.jobFinished.post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/Job');
  });

  it('its schemas compile as JSON Schema 2020-12 and real responses match them', async () => {
    const { app } = await server();
    const doc = (await app.inject({ url: '/openapi.json' })).json() as Doc;
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema({ $id: 'doc', components: doc.components }, 'doc');
    const check = (name: string, value: unknown) => {
      const validate = ajv.getSchema(`doc#/components/schemas/${name}`)!;
      expect(validate(value), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    };
    // The OpenAPI validator checks the document's structure; each schema is checked against the 2020-12 meta-schema here.
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect(ajv.validateSchema(schema), `${name}: ${JSON.stringify(ajv.errors)}`).toBe(true);
      expect(ajv.getSchema(`doc#/components/schemas/${name}`), name).toBeDefined();
    }
    expect(ajv.validateSchema({ type: 'strin' })).toBe(false); // the check does check
    const job = (await raw(app)).json();
    check('Job', job);
    await waitState(app, job.id);
    check('Job', (await app.inject({ url: `/v1/colorizations/${job.id}` })).json());
    check('JobList', (await app.inject({ url: '/v1/colorizations' })).json());
    check('Error', (await app.inject({ url: '/v1/colorizations/nope' })).json());
    check('Health', (await app.inject({ url: '/healthz' })).json());
  });
});

describe('GET /v1/colorizations (item 11)', () => {
  it('pages newest first with limit and cursor, filters by state, and never lists synchronous jobs', async () => {
    const { app } = await server();
    const ids: string[] = [];
    for (let k = 0; k < 5; k++) {
      ids.push((await raw(app)).json().id);
      await new Promise((resolve) => setTimeout(resolve, 3)); // distinct creation times
    }
    for (const id of ids) await waitState(app, id);
    expect((await app.inject({ method: 'POST', url: '/v1/colorize', headers: { 'content-type': 'image/png' }, payload: grayPng() })).statusCode).toBe(200);

    const seen: string[] = [];
    let url: string | null = '/v1/colorizations?limit=2';
    let pages = 0;
    while (url !== null) {
      const page = JobListSchema.parse((await app.inject({ url })).json());
      expect(page.jobs.length).toBeLessThanOrEqual(2);
      seen.push(...page.jobs.map((j) => j.id));
      url = page.links.next;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    // A deleted job's cursor still resumes after it.
    const first = (await app.inject({ url: '/v1/colorizations?limit=1' })).json();
    expect((await app.inject({ method: 'DELETE', url: `/v1/colorizations/${first.jobs[0].id}` })).statusCode).toBe(204);
    expect((await app.inject({ url: `/v1/colorizations?limit=10&cursor=${first.next}` })).json().jobs.map((j: { id: string }) => j.id)).toEqual([...ids].reverse().slice(1));

    expect((await app.inject({ url: '/v1/colorizations?state=queued,running' })).json()).toEqual({ jobs: [], next: null, links: { next: null } });
    expect((await app.inject({ url: '/v1/colorizations?state=done' })).json().jobs).toHaveLength(4);
  });

  it('refuses bad paging parameters with 400 BAD_REQUEST naming them', async () => {
    const { app } = await server();
    for (const [query, message] of [
      ['limit=0', /limit/],
      ['limit=101', /limit/],
      ['limit=abc', /limit/],
      ['limit=1&limit=2', /limit/],
      ['state=bogus', /state: a comma-separated list of queued, running, done, failed, cancelled/],
      ['cursor=garbage', /cursor: not one this server gave/],
      ['page=2', /unknown query parameter\(s\) "page"; allowed: limit, cursor, state/],
    ] as const) {
      const response = await app.inject({ url: `/v1/colorizations?${query}` });
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code, query).toBe('BAD_REQUEST');
      expect(response.json().error.message, query).toMatch(message);
    }
  });
});

describe('bearer-token auth (item 11)', () => {
  it('401 with WWW-Authenticate without or with a wrong token; probes and the document stay public', async () => {
    const { app, fake } = await server({ token: TOKEN });
    const none = await raw(app);
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="color-wizard"');
    expect(none.json().error.code).toBe('UNAUTHORIZED');
    const wrong = await app.inject({ url: '/v1/models', headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer realm="color-wizard", error="invalid_token"');
    expect((await app.inject({ url: '/v1/models', headers: { authorization: `Basic ${TOKEN}` } })).statusCode).toBe(401);
    expect((await app.inject({ url: '/v1/colorizations/xyz' })).statusCode).toBe(401); // no hint whether it exists
    expect(fake.calls).toBe(0);

    const auth = { authorization: `Bearer ${TOKEN}` };
    const job = await raw(app, '', auth);
    expect(job.statusCode).toBe(202);
    await waitState(app, job.json().id, auth);
    expect((await app.inject({ url: '/v1/colorizations', headers: auth })).json().jobs).toHaveLength(1);
    for (const url of ['/healthz', '/readyz', '/openapi.json']) expect((await app.inject({ url })).statusCode, url).toBe(200);
  });

  it('the web page signs in once: a cookie (not the token) that only same-origin requests may use to change things', async () => {
    const { app } = await server({ token: TOKEN });
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(401);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('<form method="post" action="/sign-in">');
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await app.inject({ method: 'POST', url: '/sign-in', headers: form, payload: 'token=nope' })).body).toContain('not this server');
    const signedIn = await app.inject({ method: 'POST', url: '/sign-in', headers: form, payload: `token=${encodeURIComponent(TOKEN)}` });
    expect(signedIn.statusCode).toBe(303);
    const setCookie = String(signedIn.headers['set-cookie']);
    expect(setCookie).toMatch(/^cw_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict$/);
    const cookie = setCookie.split(';')[0]!;
    expect(cookie).not.toContain(TOKEN);

    expect((await app.inject({ url: '/', headers: { cookie } })).statusCode).toBe(200);
    expect((await app.inject({ url: '/v1/models', headers: { cookie } })).statusCode).toBe(200);
    expect((await raw(app, '', { cookie, origin: 'http://localhost:80', host: 'localhost:80' })).statusCode).toBe(202);
    const csrf = await raw(app, '', { cookie, origin: 'https://evil.example' });
    expect(csrf.statusCode).toBe(403);
    expect(csrf.json().error.code).toBe('FORBIDDEN');
    expect((await raw(app, '', { cookie, 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    // The cookie is no bearer token.
    expect((await app.inject({ url: '/v1/models', headers: { authorization: `Bearer ${cookie.split('=')[1]}` } })).statusCode).toBe(401);
  });

  it('short tokens are refused; serve needs a token beyond loopback unless told a proxy authenticates', async () => {
    await expect(createServer({ colorize: new FakeLibrary().colorize, token: 'short' })).rejects.toThrow(/at least 16 characters/);
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.5', 'example.com'].some(isLoopback)).toBe(false);
    const dependencies = { colorize: new FakeLibrary().colorize };
    await expect(serve({ port: 0, host: '0.0.0.0' }, { dependencies })).rejects.toMatchObject({ code: 'OPTIONS', message: expect.stringMatching(/COLOR_WIZARD_TOKEN.*--insecure-no-auth/) });
  });
});

describe('webhooks (item 11)', () => {
  const verify = (hook: { headers: Record<string, unknown>; body: string }) => {
    const timestamp = String(hook.headers['x-color-wizard-timestamp']);
    const expected = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${hook.body}`).digest('hex')}`;
    return hook.headers['x-color-wizard-signature'] === expected && Math.abs(Date.now() / 1000 - Number(timestamp)) < 60;
  };

  it('POSTs the final job state, signed, from JSON, multipart and raw submissions', async () => {
    const receiver = await webhookReceiver();
    cleanup.push(receiver.close);
    const { app } = await server({ webhookAllow: [receiver.host], webhookSecret: SECRET });
    const viaJson = await app.inject({ method: 'POST', url: '/v1/colorizations', payload: { image: grayPng().toString('base64'), webhook: receiver.url('/json') } });
    const viaForm = await app.inject({ method: 'POST', url: '/v1/colorizations', ...multipart([{ name: 'image', value: grayPng(), filename: 'a.png', type: 'image/png' }, { name: 'webhook', value: receiver.url('/form') }]) });
    const viaRaw = await raw(app, `?webhook=${encodeURIComponent(receiver.url('/raw'))}`);
    for (const r of [viaJson, viaForm, viaRaw]) expect(r.statusCode, r.body).toBe(202);
    await waitFor(() => receiver.received.length === 3);
    for (const hook of receiver.received) {
      expect(verify(hook)).toBe(true);
      expect(hook.headers).toMatchObject({ 'content-type': 'application/json', 'x-color-wizard-event': 'done', 'x-color-wizard-attempt': '1' });
      const job = JobSchema.parse(JSON.parse(hook.body));
      expect(job).toMatchObject({ state: 'done', links: { self: `/v1/colorizations/${job.id}` } });
      expect(job.result?.samples).toHaveLength(1);
    }
    expect(receiver.received.map((h) => h.path).sort()).toEqual(['/form', '/json', '/raw']);
  });

  it('retries 5xx and network errors with backoff (same delivery id), not other 4xx, never follows redirects', async () => {
    const flaky = await webhookReceiver((n) => ({ status: n <= 2 ? 503 : 204 }));
    const refusing = await webhookReceiver((n, hook) => (hook.path === '/moved' ? { status: 302, headers: { location: '/elsewhere' } } : { status: 410 }));
    cleanup.push(flaky.close, refusing.close);
    const { app } = await server({ webhookAllow: [flaky.host, refusing.host], webhookSecret: SECRET, webhookBackoffMs: 20, webhookAttempts: 4 });
    expect((await raw(app, `?webhook=${encodeURIComponent(flaky.url())}`)).statusCode).toBe(202);
    expect((await raw(app, `?webhook=${encodeURIComponent(refusing.url('/gone'))}`)).statusCode).toBe(202);
    expect((await raw(app, `?webhook=${encodeURIComponent(refusing.url('/moved'))}`)).statusCode).toBe(202);
    await waitFor(() => flaky.received.length === 3 && refusing.received.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(flaky.received.map((h) => h.headers['x-color-wizard-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(flaky.received.map((h) => h.headers['x-color-wizard-delivery'])).size).toBe(1);
    expect(flaky.received.every(verify)).toBe(true);
    expect(refusing.received.map((h) => h.path).sort()).toEqual(['/gone', '/moved']); // once each; /elsewhere never
  });

  it('refuses at submission, before queueing: hosts not allowed, no allowed hosts, non-http, credentials, the sync endpoint', async () => {
    const receiver = await webhookReceiver();
    cleanup.push(receiver.close);
    const { app, fake } = await server({ webhookAllow: [receiver.host, '*.hooks.example'], webhookSecret: SECRET });
    const post = (webhook: string) => raw(app, `?webhook=${encodeURIComponent(webhook)}`);
    const port = receiver.host.split(':')[1];
    for (const url of [`http://127.0.0.2:${port}/hook`, 'http://127.0.0.1:1/hook', 'https://example.com/hook', 'https://hooks.example/x', `http://localhost:${port}/hook`]) {
      const response = await post(url);
      expect(response.statusCode, url).toBe(400);
      expect(response.json().error.code, url).toBe('WEBHOOK_NOT_ALLOWED');
      expect(response.json().error.message, url).toMatch(/is not one this server may call/);
    }
    for (const url of ['ftp://127.0.0.1/x', 'not a url', `http://user:pw@${receiver.host}/hook`]) {
      const response = await post(url);
      expect(response.statusCode, url).toBe(400);
      expect(response.json().error.code, url).toBe('BAD_REQUEST');
    }
    // The wildcard allows subdomains only (checked without submitting: tests never call beyond loopback).
    expect(hostAllowed(new URL('https://a.hooks.example/x'), ['*.hooks.example'])).toBe(true);
    expect(hostAllowed(new URL('https://hooks.example/x'), ['*.hooks.example'])).toBe(false);
    expect(hostAllowed(new URL('https://evilhooks.example/x'), ['*.hooks.example'])).toBe(false);
    const sync = await app.inject({ method: 'POST', url: `/v1/colorize?webhook=${encodeURIComponent(receiver.url())}`, headers: { 'content-type': 'image/png' }, payload: grayPng() });
    expect(sync.statusCode).toBe(400);
    expect(fake.calls).toBe(0); // nothing was queued

    const { app: plain } = await server();
    const off = await raw(plain, `?webhook=${encodeURIComponent(receiver.url())}`);
    expect(off.statusCode).toBe(400);
    expect(off.json().error).toMatchObject({ code: 'WEBHOOK_NOT_ALLOWED', message: expect.stringMatching(/allowed no receiving host/) });
    await expect(createServer({ colorize: new FakeLibrary().colorize, webhookAllow: ['127.0.0.1'] })).rejects.toThrow(/signing secret/);
    await expect(createServer({ colorize: new FakeLibrary().colorize, webhookAllow: ['http://x/'], webhookSecret: SECRET })).rejects.toThrow(/host name/);
  });
});
