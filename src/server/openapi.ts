import { z } from 'zod';
import { apiRegistry } from './api-schemas.js';

/** OpenAPI 3.1 document; every schema comes from the zod schemas the server validates with. */
export function buildOpenApi(version: string): Record<string, unknown> {
  // OpenAPI 3.1 schemas are JSON Schema 2020-12, so zod's output drops in as components.
  const { schemas } = z.toJSONSchema(apiRegistry, {
    target: 'draft-2020-12',
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
  });
  for (const schema of Object.values(schemas)) delete (schema as Record<string, unknown>).$schema;

  const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
  const json = (id: string) => ({ 'application/json': { schema: ref(id) } });
  const error = (description: string) => ({ description, content: json('Error') });
  const image = { 'image/*': { schema: { type: 'string', format: 'binary' } } };
  const retryAfter = { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } };
  const busy = { description: 'queue full (QUEUE_FULL) or shutting down (SHUTTING_DOWN)', headers: retryAfter, content: json('Error') };
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{21}$' } };
  const submission = {
    required: true,
    content: {
      'multipart/form-data': {
        schema: {
          type: 'object',
          required: ['image'],
          properties: {
            image: { type: 'string', format: 'binary', description: 'PNG, JPEG, WebP, GIF, TIFF, AVIF or HEIF' },
            options: { type: 'string', description: 'ColorizeOptions as JSON text' },
            reference: { type: 'string', format: 'binary', description: 'optional reference photo whose colors are transferred (instead of options.reference as a data: URL)' },
          },
        },
        encoding: { options: { contentType: 'application/json' } },
      },
      'application/json': { schema: ref('JsonSubmission') },
      'image/*': { schema: { type: 'string', format: 'binary' }, description: 'raw image; options as JSON in the `options` query parameter' },
    },
  };
  const badInput = {
    '400': error('invalid options (OPTIONS, with zod `issues` in details) or malformed request (BAD_REQUEST)'),
    '413': error('body larger than the server limit'),
    '415': error('unsupported content type or image format'),
    '422': error('the image cannot be used (INPUT_IMAGE), e.g. over the pixel limit'),
  };

  return {
    openapi: '3.1.0',
    info: { title: 'Color Wizard', version, description: 'Colorize black-and-white photographs with a diffusion model, keeping their lightness exactly.' },
    paths: {
      '/v1/colorizations': {
        post: {
          summary: 'Queue a colorization job',
          requestBody: submission,
          responses: { '202': { description: 'queued', headers: { Location: { schema: { type: 'string' } } }, content: json('Job') }, ...badInput, '503': busy },
        },
      },
      '/v1/colorizations/{id}': {
        parameters: [idParam],
        get: { summary: 'Job state, progress (step k of K) and result links', responses: { '200': { description: 'the job', content: json('Job') }, '404': error('unknown or expired job') } },
        delete: {
          summary: 'Cancel a queued or running job (before its next model call); delete a finished one',
          responses: {
            '200': { description: 'the job, now cancelled (or finished if it ended first)', content: json('Job') },
            '202': { description: 'cancel requested; the current model call is still ending', content: json('Job') },
            '204': { description: 'a finished job and its images were deleted' },
            '404': error('unknown or expired job'),
          },
        },
      },
      '/v1/colorizations/{id}/samples/{n}': {
        parameters: [
          idParam,
          { name: 'n', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
          { name: 'strength', in: 'query', required: false, schema: { type: 'number', minimum: 0, maximum: 2, default: 1 }, description: 'tone the sample down or up (chroma × strength at constant L and hue, gamut-mapped) without running the model again' },
        ],
        get: { summary: 'Sample n (from 1) of a finished job', responses: { '200': { description: 'the image', content: image }, '400': error('strength out of 0..2 (OPTIONS)'), '404': error('unknown job or sample'), '409': error('the job has not finished') } },
      },
      '/v1/colorizations/{id}/events': {
        parameters: [idParam, { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'integer' } }],
        get: {
          summary: 'Server-sent events: `state` (Job), `progress` (Progress), then one of `done`, `failed`, `cancelled` (Job)',
          responses: { '200': { description: 'event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, '404': error('unknown or expired job') },
        },
      },
      '/v1/colorize': {
        post: {
          summary: 'Colorize synchronously and return the image of one sample',
          requestBody: submission,
          responses: { '200': { description: 'the image; seed in X-Color-Wizard-Seed', content: image }, ...badInput, '500': error('the model failed'), '503': busy, '504': error('the job exceeded the time limit (TIMEOUT)') },
        },
      },
      '/v1/models': { get: { summary: 'Available model packs', responses: { '200': { description: 'packs', content: json('ModelList') } } } },
      '/healthz': { get: { summary: 'Liveness', responses: { '200': { description: 'alive', content: json('Health') } } } },
      '/readyz': {
        get: { summary: 'Readiness: model warmed up, not shutting down, queue not full', responses: { '200': { description: 'ready', content: json('Ready') }, '503': { description: 'not ready', content: json('Ready') } } },
      },
      '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
      '/': { get: { summary: 'Web page', responses: { '200': { description: 'HTML', content: { 'text/html': {} } } } } },
    },
    components: { schemas },
  };
}
