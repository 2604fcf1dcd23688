import { z } from 'zod';
import { SCHEDULER_NAMES } from '../schedulers/scheduler.js';
import { ColorizeOptionsSchema, OUTPUT_FORMATS } from '../pipeline/options-schema.js';
import { PIPELINE_STAGES } from '../pipeline/stages.js';

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
    code: z.string().describe('INPUT_IMAGE, OPTIONS, MODEL_PACK, MODEL_RUN, SCHEDULER_CONFIG, CANCELLED, OUTPUT, QUEUE, INTERNAL, or an HTTP code: BAD_REQUEST, NOT_FOUND, CONFLICT, BODY_TOO_LARGE, JOB_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, QUEUE_FULL, NOT_READY, SHUTTING_DOWN, TIMEOUT, URI_TOO_LONG, WORKER_LOST'),
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

export const JobResultSchema = z
  .object({
    width: z.number().int(),
    height: z.number().int(),
    seed: z.number().int(),
    steps: z.number().int(),
    scheduler: z.enum(SCHEDULER_NAMES),
    guidance: z.number(),
    model: z.string(),
    prompt: z.object({ text: z.string(), negative: z.string(), understood: z.array(z.unknown()) }),
    timings: z.record(z.string(), z.number()),
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

/** JSON submission; multipart sends the same `options` as a JSON text field next to the `image` file. */
export const JsonSubmissionSchema = z
  .object({
    image: z.string().min(1).describe('the image file, base64 (a data: URL is accepted)'),
    options: ColorizeOptionsSchema.optional(),
  })
  .strict()
  .register(apiRegistry, { id: 'JsonSubmission' });

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
