import { z } from 'zod';
import { ColorizeOptionsSchema } from '../pipeline/options-schema.js';
import { apiRegistry, ListQuerySchema, WebhookUrlSchema } from './api-schemas.js';
import { SESSION_COOKIE } from './auth.js';
import { JOB_ID_PATTERN } from './result-store.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhooks.js';

/** What the document describes beyond the fixed routes: this server's configuration. */
export interface OpenApiOptions {
  /** The server requires a bearer token (--token). */
  auth?: boolean;
  /** The operator allowed webhook hosts (--webhook-allow). */
  webhooks?: boolean;
}

type Json = Record<string, unknown>;

/** A zod schema as an inline JSON Schema (2020-12, what OpenAPI 3.1 schemas are). */
function inline(schema: z.ZodType): Json {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Json;
  delete json.$schema;
  return json;
}

/**
 * OpenAPI 3.1 document. Every body schema, the list query and the sample's `strength` come from the zod
 * schemas the server validates with (one source of truth); operations have operationIds and closed sets
 * are enums (states, stages, schedulers, formats, error codes, color names).
 */
export function buildOpenApi(version: string, options: OpenApiOptions = {}): Json {
  // OpenAPI 3.1 schemas are JSON Schema 2020-12, so zod's output drops in as components.
  const { schemas } = z.toJSONSchema(apiRegistry, {
    target: 'draft-2020-12',
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
  });
  // Components are plain schemas of this document: zod's $schema and $id (a "#/…" fragment, which 2020-12 forbids in $id) go.
  for (const schema of Object.values(schemas)) {
    delete (schema as Json).$schema;
    delete (schema as Json).$id;
  }

  const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
  const json = (id: string) => ({ 'application/json': { schema: ref(id) } });
  const error = (description: string) => ({ description, content: json('Error') });
  const image = { 'image/*': { schema: { type: 'string', contentMediaType: 'image/*' } } };
  const retryAfter = { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer', minimum: 1 } } };
  const busy = { description: 'queue full (QUEUE_FULL), not ready (NOT_READY) or shutting down (SHUTTING_DOWN)', headers: retryAfter, content: json('Error') };
  const idParam = { name: 'id', in: 'path', required: true, description: 'job id (21-character nanoid)', schema: { type: 'string', pattern: JOB_ID_PATTERN.source } };
  const rawOnly = 'only with a raw image body (Content-Type image/* or application/octet-stream); multipart and JSON bodies carry it themselves';
  const submissionQuery = (withWebhook: boolean) => [
    { name: 'options', in: 'query', required: false, description: `ColorizeOptions as JSON, ${rawOnly}`, content: { 'application/json': { schema: ref('ColorizeOptions') } } },
    ...(withWebhook ? [{ name: 'webhook', in: 'query', required: false, description: `webhook URL, ${rawOnly}`, schema: inline(WebhookUrlSchema) }] : []),
  ];
  const submission = (withWebhook: boolean) => ({
    required: true,
    description: `multipart (an \`image\` file, \`options\` as JSON${withWebhook ? ', `webhook`' : ''}), JSON (JsonSubmission), or the raw image (image/* or application/octet-stream) with \`options\`${withWebhook ? ' and `webhook`' : ''} in the query`,
    content: {
      'multipart/form-data': {
        schema: {
          type: 'object',
          required: ['image'],
          properties: {
            image: { type: 'string', contentMediaType: 'application/octet-stream', description: 'PNG, JPEG, WebP, GIF, TIFF, AVIF or HEIF' },
            options: { ...ref('ColorizeOptions'), description: 'ColorizeOptions as JSON text (a text field or a file part)' },
            reference: { type: 'string', contentMediaType: 'application/octet-stream', description: 'optional reference photo whose colors are transferred (instead of options.reference as a data: URL)' },
            ...(withWebhook ? { webhook: inline(WebhookUrlSchema) } : {}),
          },
        },
        encoding: { options: { contentType: 'application/json' }, image: { contentType: 'image/*' }, reference: { contentType: 'image/*' } },
      },
      'application/json': { schema: withWebhook ? ref('JsonSubmission') : { ...ref('JsonSubmission'), description: 'without `webhook` here' } },
      'image/*': { schema: { type: 'string', contentMediaType: 'image/*' } },
      'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } },
    },
  });
  const badInput = {
    '400': error('invalid options (OPTIONS, with zod `issues` in details), a webhook host not allowed (WEBHOOK_NOT_ALLOWED) or a malformed request (BAD_REQUEST)'),
    '413': error('body larger than the server limit (BODY_TOO_LARGE) or a job over an operator cap (JOB_TOO_LARGE)'),
    '415': error('unsupported content type or image format (UNSUPPORTED_MEDIA_TYPE)'),
    '422': error('the image cannot be used (INPUT_IMAGE), e.g. over the pixel limit'),
  };
  const auth = options.auth === true;
  const unauthorized = auth
    ? { '401': { description: 'no or a wrong bearer token (UNAUTHORIZED)', headers: { 'WWW-Authenticate': { schema: { type: 'string' } } }, content: json('Error') } }
    : {};
  /** Operations anyone may call, even on a server with a token. */
  const open = auth ? { security: [] } : {};
  const sampleStrength = inline(ColorizeOptionsSchema.shape.strength);

  const listParameters = Object.entries((inline(ListQuerySchema).properties ?? {}) as Record<string, Json>).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    description: schema.description,
    schema,
  }));

  return {
    openapi: '3.1.0',
    info: {
      title: 'Color Wizard',
      version,
      description: 'Colorize black-and-white photographs with a diffusion model, keeping their lightness exactly.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    tags: [{ name: 'jobs', description: 'queued colorizations' }, { name: 'colorize', description: 'synchronous colorization' }, { name: 'system' }],
    ...(auth ? { security: [{ bearerAuth: [] }, { sessionCookie: [] }] } : {}),
    paths: {
      '/v1/colorizations': {
        post: {
          operationId: 'createColorization',
          tags: ['jobs'],
          summary: 'Queue a colorization job',
          parameters: submissionQuery(true),
          requestBody: submission(true),
          responses: {
            '202': { description: 'queued', headers: { Location: { description: 'the job', schema: { type: 'string' } } }, content: json('Job') },
            ...badInput,
            ...unauthorized,
            '503': busy,
          },
        },
        get: {
          operationId: 'listColorizations',
          tags: ['jobs'],
          summary: 'Jobs, newest first, a page at a time (`next` is the cursor of the following page)',
          parameters: listParameters,
          responses: { '200': { description: 'a page of jobs', content: json('JobList') }, '400': error('a bad limit, state, cursor or an unknown parameter (BAD_REQUEST)'), ...unauthorized },
        },
      },
      '/v1/colorizations/{id}': {
        parameters: [idParam],
        get: {
          operationId: 'getColorization',
          tags: ['jobs'],
          summary: 'Job state, progress (step k of K, elapsed time, ETA) and result links',
          responses: { '200': { description: 'the job', content: json('Job') }, '404': error('unknown or expired job'), ...unauthorized },
        },
        delete: {
          operationId: 'cancelColorization',
          tags: ['jobs'],
          summary: 'Cancel a queued or running job (before its next model call); delete a finished one',
          responses: {
            '200': { description: 'the job, now cancelled (or finished if it ended first)', content: json('Job') },
            '202': { description: 'cancel requested; the current model call is still ending', content: json('Job') },
            '204': { description: 'a finished job and its images were deleted' },
            '404': error('unknown or expired job'),
            ...unauthorized,
          },
        },
      },
      '/v1/colorizations/{id}/samples/{n}': {
        parameters: [
          idParam,
          { name: 'n', in: 'path', required: true, description: 'sample number, from 1', schema: { type: 'integer', minimum: 1 } },
          {
            name: 'strength',
            in: 'query',
            required: false,
            schema: sampleStrength,
            description: 'tone the sample down or up (chroma × strength at constant L and hue, gamut-mapped) without running the model again',
          },
        ],
        get: {
          operationId: 'getSample',
          tags: ['jobs'],
          summary: 'Sample n (from 1) of a finished job',
          responses: {
            '200': { description: 'the image', content: image },
            '400': error('strength out of 0..2 (OPTIONS)'),
            '404': error('unknown job or sample'),
            '409': error('the job has not finished (CONFLICT)'),
            ...unauthorized,
          },
        },
      },
      '/v1/colorizations/{id}/events': {
        parameters: [idParam, { name: 'Last-Event-ID', in: 'header', required: false, description: 'replay what came after this event', schema: { type: 'integer', minimum: 0 } }],
        get: {
          operationId: 'streamColorizationEvents',
          tags: ['jobs'],
          summary: 'Server-sent events: `state` (Job), `progress` (Progress), then one of `done`, `failed`, `cancelled` (Job)',
          responses: {
            '200': { description: 'event stream; each event\'s `data` is JSON: a Job, or a Progress for `progress`', content: { 'text/event-stream': { schema: { type: 'string' } } } },
            '404': error('unknown or expired job'),
            ...unauthorized,
          },
        },
      },
      '/v1/colorize': {
        post: {
          operationId: 'colorize',
          tags: ['colorize'],
          summary: 'Colorize synchronously and return the image of one sample',
          parameters: submissionQuery(false),
          requestBody: submission(false),
          responses: {
            '200': {
              description: 'the image',
              headers: {
                'X-Color-Wizard-Seed': { schema: { type: 'integer' } },
                'X-Color-Wizard-Model': { schema: { type: 'string' } },
                'X-Color-Wizard-Steps': { schema: { type: 'integer' } },
              },
              content: image,
            },
            ...badInput,
            ...unauthorized,
            '500': error('the model failed'),
            '503': busy,
            '504': error('the job exceeded the time limit (TIMEOUT)'),
          },
        },
      },
      '/v1/models': {
        get: { operationId: 'listModels', tags: ['system'], summary: 'Available model packs', responses: { '200': { description: 'packs', content: json('ModelList') }, ...unauthorized } },
      },
      '/healthz': { get: { operationId: 'getHealth', tags: ['system'], summary: 'Liveness', ...open, responses: { '200': { description: 'alive', content: json('Health') } } } },
      '/readyz': {
        get: {
          operationId: 'getReadiness',
          tags: ['system'],
          summary: 'Readiness: model warmed up, not shutting down, queue not full',
          ...open,
          responses: { '200': { description: 'ready', content: json('Ready') }, '503': { description: 'not ready', headers: retryAfter, content: json('Ready') } },
        },
      },
      '/openapi.json': {
        get: { operationId: 'getOpenApi', tags: ['system'], summary: 'This document', ...open, responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } } },
      },
      '/': {
        get: {
          operationId: 'getWebPage',
          tags: ['system'],
          summary: auth ? 'Web page (a sign-in form until the browser has signed in)' : 'Web page',
          ...(auth ? { security: [{ sessionCookie: [] }, {}] } : {}),
          responses: { '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } }, ...(auth ? { '401': { description: 'the sign-in form', content: { 'text/html': { schema: { type: 'string' } } } } } : {}) },
        },
      },
      ...(auth
        ? {
            '/sign-in': {
              post: {
                operationId: 'signIn',
                tags: ['system'],
                summary: 'The web page signs in with the token: sets the session cookie and redirects to /',
                ...open,
                requestBody: {
                  required: true,
                  content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', required: ['token'], properties: { token: { type: 'string' } } } } },
                },
                responses: { '303': { description: 'signed in', headers: { 'Set-Cookie': { schema: { type: 'string' } } } }, '401': { description: 'wrong token: the form again', content: { 'text/html': { schema: { type: 'string' } } } } },
              },
            },
            '/sign-out': {
              post: { operationId: 'signOut', tags: ['system'], summary: 'Clears the session cookie', ...open, responses: { '303': { description: 'signed out' } } },
            },
          }
        : {}),
    },
    webhooks: {
      jobFinished: {
        post: {
          operationId: 'jobFinished',
          summary: `Sent to a job's webhook URL once it is done, failed or cancelled${options.webhooks === true ? '' : ' (this server allows no webhook host now)'}`,
          description:
            'The body is the Job as GET /v1/colorizations/{id} returns it. Verify it: hex HMAC-SHA256 of "<timestamp>.<raw body>" keyed with the ' +
            'operator\'s webhook secret equals the signature after "sha256=". Non-2xx answers, timeouts and network errors are retried with backoff ' +
            '(other 4xx are not); X-Color-Wizard-Delivery is the same on every attempt.',
          parameters: [
            { name: SIGNATURE_HEADER, in: 'header', required: true, schema: { type: 'string', pattern: '^sha256=[0-9a-f]{64}$' } },
            { name: TIMESTAMP_HEADER, in: 'header', required: true, description: 'Unix seconds of this attempt; refuse old ones', schema: { type: 'integer' } },
            { name: 'x-color-wizard-event', in: 'header', required: true, schema: { type: 'string', enum: ['done', 'failed', 'cancelled'] } },
            { name: 'x-color-wizard-delivery', in: 'header', required: true, schema: { type: 'string', format: 'uuid' } },
            { name: 'x-color-wizard-attempt', in: 'header', required: true, schema: { type: 'integer', minimum: 1 } },
          ],
          requestBody: { required: true, content: json('Job') },
          responses: { '200': { description: 'received (any 2xx)' } },
        },
      },
    },
    components: {
      schemas,
      ...(auth
        ? {
            securitySchemes: {
              bearerAuth: { type: 'http', scheme: 'bearer', description: 'the token the server was started with (--token or COLOR_WIZARD_TOKEN)' },
              sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'set by POST /sign-in (the web page)' },
            },
          }
        : {}),
    },
  };
}
