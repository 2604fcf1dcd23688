import { z } from 'zod';
import { SCHEDULER_NAMES } from '../schedulers/scheduler.js';
import { ColorizeOptionsSchema, OUTPUT_FORMATS } from '../pipeline/options-schema.js';
import { PIPELINE_STAGES } from '../pipeline/stages.js';
import { HTTP_ERROR_CODES } from './http-errors.js';

/**
 * The HTTP contract as zod schemas: requests are parsed with them, responses are built to them
 * (tests parse responses with them), and /openapi.json is generated from them.
 */

/** Schemas named in /openapi.json's components (a private registry, so other modules' ids stay out). */
export const apiRegistry = z.registry<{ id: string; description?: string }>();
apiRegistry.add(ColorizeOptionsSchema, { id: 'ColorizeOptions' });

export const JOB_STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;

export const ErrorInfoSchema = z
  .object({
    code: z.enum(HTTP_ERROR_CODES).describe("the library's error codes and the HTTP layer's (docs/server.md, Errors)"),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional().describe('e.g. `issues` (zod issues) for OPTIONS'),
  })
  .register(apiRegistry, { id: 'ErrorInfo' });

export const ErrorBodySchema = z.object({ error: ErrorInfoSchema }).register(apiRegistry, { id: 'Error' });

export const ProgressSchema = z
  .object({
    stage: z.enum(PIPELINE_STAGES),
    step: z.number().int().min(1).optional().describe('1-based denoising step k, while denoising'),
    totalSteps: z.number().int().min(1).optional().describe('K: model evaluations of the denoising loop'),
    sample: z.number().int().min(1).optional().describe('1-based sample being decoded, fused or encoded'),
    totalSamples: z.number().int().min(1).optional(),
    fraction: z
      .number()
      .min(0)
      .max(1)
      .describe("overall progress, weighted by each stage's expected time (so it grows about linearly in time); never goes back"),
    elapsedMs: z.number().int().min(0).describe('milliseconds since the run started'),
    etaMs: z.number().int().min(0).nullable().describe('estimated milliseconds left; null until estimable (before denoising)'),
  })
  .register(apiRegistry, { id: 'Progress' });

export const SampleInfoSchema = z
  .object({
    index: z.number().int().min(1),
    seed: z.number().int(),
    format: z.enum(OUTPUT_FORMATS),
    width: z.number().int(),
    height: z.number().int(),
    bytes: z.number().int(),
    href: z.string(),
  })
  .register(apiRegistry, { id: 'SampleInfo' });

export const ColorIntentSchema = z
  .object({
    color: z.string().describe('the color word, e.g. "red"'),
    ab: z.tuple([z.number(), z.number()]).describe('its CIE Lab chroma (a, b)'),
    target: z.string().describe('the words it describes ("car"); empty for the whole scene'),
    phrase: z.string(),
    grounded: z.boolean().describe('an object detector found the target and placed the color on it'),
    label: z.string().optional(),
    box: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional().describe('x, y, w, h in input pixels'),
    score: z.number().optional(),
  })
  .register(apiRegistry, { id: 'ColorIntent', description: 'what the prompt parser understood' });

export const JobResultSchema = z
  .object({
    width: z.number().int(),
    height: z.number().int(),
    seed: z.number().int(),
    steps: z.number().int(),
    scheduler: z.enum(SCHEDULER_NAMES),
    guidance: z.number(),
    temperature: z.number().describe('noise temperature used (the request\'s or the pack\'s default)'),
    anchor: z.number().describe('how far the run started from the pack\'s anchor latent (the request\'s or the pack\'s default; 0 without an anchor head)'),
    model: z.string(),
    prompt: z.object({ text: z.string(), negative: z.string(), understood: z.array(ColorIntentSchema) }),
    timings: z.record(z.string(), z.number()).describe('milliseconds per stage: readMs, loadMs, prepareMs, denoiseMs, decodeMs, upsampleMs, fuseMs, encodeMs, totalMs, modelMs'),
    samples: z.array(SampleInfoSchema),
  })
  .register(apiRegistry, { id: 'JobResult' });

export const JobSchema = z
  .object({
    id: z.string().describe('21-character nanoid'),
    state: z.enum(JOB_STATES),
    position: z.number().int().min(1).nullable().describe('place in the queue while queued'),
    progress: ProgressSchema.nullable(),
    cancelRequested: z.boolean().describe('a cancel is waiting for the current model call to end'),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    expiresAt: z.string().nullable().describe('when the job and its images are deleted'),
    error: ErrorInfoSchema.nullable(),
    result: JobResultSchema.nullable(),
    links: z.object({ self: z.string(), events: z.string(), samples: z.array(z.string()) }),
  })
  .register(apiRegistry, { id: 'Job' });

/** Longest webhook URL accepted (a URL past this is no receiver's). */
export const WEBHOOK_URL_MAX = 2048;

export const WebhookUrlSchema = z
  .string()
  .min(1)
  .max(WEBHOOK_URL_MAX)
  .describe("http(s) URL that gets a POST of the job's final state (Job JSON), signed with HMAC-SHA256; its host must be one the operator allowed (--webhook-allow)");

/** JSON submission; multipart sends the same `options` as a JSON text field next to the `image` file. */
export const JsonSubmissionSchema = z
  .object({
    image: z.string().min(1).describe('the image file, base64 (a data: URL is accepted)'),
    options: ColorizeOptionsSchema.optional(),
    webhook: WebhookUrlSchema.optional(),
  })
  .strict()
  .register(apiRegistry, { id: 'JsonSubmission' });

/** Page size of GET /v1/colorizations: default and largest. */
export const LIST_LIMIT = { default: 20, max: 100 } as const;

/** The query of GET /v1/colorizations, parsed once with this schema (unknown parameters are refused). */
export const ListQuerySchema = z
  .object({
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(LIST_LIMIT.max)
      .default(LIST_LIMIT.default)
      .describe(`jobs per page, 1–${LIST_LIMIT.max}`),
    cursor: z.string().min(1).max(200).optional().describe('`next` of the previous page; absent for the first (newest) page'),
    state: z
      .string()
      .regex(new RegExp(`^(${JOB_STATES.join('|')})(,(${JOB_STATES.join('|')}))*$`), `a comma-separated list of ${JOB_STATES.join(', ')}`)
      .optional()
      .describe(`only jobs in these states, comma-separated: ${JOB_STATES.join(', ')}`),
  })
  .strict();
export type ListQuery = z.output<typeof ListQuerySchema>;

export const JobListSchema = z
  .object({
    jobs: z.array(JobSchema).describe('newest first'),
    next: z.string().nullable().describe('cursor of the next page; null on the last'),
    links: z.object({ next: z.string().nullable() }),
  })
  .register(apiRegistry, { id: 'JobList' });

export const ModelSchema = z
  .looseObject({
    name: z.string(),
    default: z.boolean(),
  })
  .register(apiRegistry, { id: 'Model', description: 'a model pack: its manifest public fields' });

export const ModelListSchema = z.object({ default: z.string().nullable(), models: z.array(ModelSchema) }).register(apiRegistry, { id: 'ModelList' });

export const HealthSchema = z
  .object({
    status: z.literal('ok'),
    version: z.string(),
    uptimeSeconds: z.number(),
    jobs: z.object({ queued: z.number(), running: z.number(), retained: z.number(), retainedBytes: z.number(), concurrency: z.number(), queueSize: z.number() }),
  })
  .register(apiRegistry, { id: 'Health' });

export const ReadySchema = z.object({ ready: z.boolean(), reason: z.string().optional() }).register(apiRegistry, { id: 'Ready' });

export type JobBody = z.infer<typeof JobSchema>;
