import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isColorWizardError } from '../errors/index.js';
import { estimateRunMemory } from '../pipeline/estimate-memory.js';
import { optionLabel } from '../prompts/color-hint.js';
import { ColorizeOptionsSchema, type ColorizeSettings } from '../pipeline/options-schema.js';
import { checkOptionsForPack } from '../pipeline/check-pack-options.js';
import { readManifestSync, resolvePackDir } from '../packs/index.js';
import { JsonSubmissionSchema } from './api-schemas.js';
import { checkSteering, sizeOf } from './check-steering.js';
import { HttpError, toHttpError } from './http-errors.js';
import { sniffImageFormat, SUPPORTED_MEDIA_TYPES } from './sniff-image.js';
import { checkWebhookUrl } from './webhooks.js';

/** A request's image and raw options, before validation. */
export interface RawSubmission {
  image: Buffer | undefined;
  options: unknown;
  /** The envelope's `webhook` (JSON field, multipart field, or `?webhook=` beside a raw image), unchecked. */
  webhook?: unknown;
}

export interface Submission {
  image: Buffer;
  options: ColorizeSettings;
  /** Checked against the operator's allowed hosts. */
  webhook?: string;
}

/** Header-only image check; resolves with the size the photo has once decoded (after EXIF orientation). */
export type ProbeFn = (image: Buffer, options: { maxPixels: number }) => Promise<{ width: number; height: number } | unknown>;

/** Operator caps no client option can exceed (settings.ts). */
export interface JobCaps {
  maxDecodePixels: number;
  maxSamplePixels: number;
  maxJobMemory: number;
}

export interface SubmissionChecks {
  /** Server-wide pixel cap; a client's maxPixels can only lower it. */
  maxPixels: number;
  caps: JobCaps;
  /** Header-only probe (src/image): pixel limit and decodability before queueing. */
  probe?: ProbeFn;
  /** Model names clients may ask for, and what each resolves to for the library. */
  models: () => Promise<ReadonlyMap<string, string>>;
  /** Used when the client names no model. */
  defaultModel?: string;
  /** Extra rule of one endpoint (e.g. one sample for the synchronous one). */
  refine?: (options: ColorizeSettings) => void;
  /** Hosts webhooks may go to (--webhook-allow); none: a submission naming a webhook is refused. */
  webhookAllow: readonly string[];
  /** False where a webhook makes no sense (the synchronous endpoint answers with the image). */
  webhooks?: boolean;
}

const MULTIPART_FIELDS = ['image', 'options', 'reference', 'webhook'];
/** The `options` JSON, as a field or a file part (the multipart field limit in create-server.ts). */
export const OPTIONS_LIMIT_BYTES = 1024 * 1024;

/** Reads multipart (`image` file + `options` JSON field), JSON (`image` base64), or a raw image body. */
export async function readRawSubmission(request: FastifyRequest): Promise<RawSubmission> {
  if (request.isMultipart()) return readMultipart(request);
  const body = request.body;
  if (Buffer.isBuffer(body)) return { image: body, options: parseJsonText(queryOptions(request), 'the "options" query parameter'), webhook: queryParameter(request, 'webhook') };
  if (body === undefined || body === null) throw new HttpError(400, 'BAD_REQUEST', 'send the image as multipart/form-data (field "image"), as JSON ({"image": base64}), or as the raw body');
  // The envelope only: `options` are parsed once, by checkSubmission, as for every transport.
  const parsed = JsonSubmissionSchema.extend({ options: z.unknown().optional() }).safeParse(body);
  if (!parsed.success) throw invalid(parsed.error);
  return { image: decodeBase64(parsed.data.image), options: parsed.data.options, webhook: parsed.data.webhook };
}

async function readMultipart(request: FastifyRequest): Promise<RawSubmission> {
  try {
    return await readParts(request);
  } catch (error) {
    // A field declared application/json that does not parse: the same answer as an options text that does not.
    if ((error as { code?: unknown }).code === 'FST_INVALID_JSON_FIELD_ERROR') throw new HttpError(400, 'OPTIONS', 'the "options" field is not valid JSON');
    // busboy reports a broken body (no boundary, truncated part) as a plain Error: the client's fault.
    if (error instanceof HttpError || typeof (error as { statusCode?: unknown }).statusCode === 'number') throw error;
    throw new HttpError(400, 'BAD_REQUEST', `malformed multipart body: ${(error as Error).message}`);
  }
}

async function readParts(request: FastifyRequest): Promise<RawSubmission> {
  let image: Buffer | undefined;
  let reference: string | undefined;
  let optionsText: string | undefined;
  /** `options` as a field with Content-Type application/json: @fastify/multipart has parsed it already. */
  let optionsValue: { value: unknown } | undefined;
  let webhook: unknown;
  const unexpected: string[] = [];
  // Every part is consumed (or drained) before any error is thrown, so busboy never stalls.
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (part.fieldname === 'image' && image === undefined) image = await part.toBuffer();
      else if (part.fieldname === 'reference' && reference === undefined) {
        // Becomes options.reference, so one check and one code path serve JSON and multipart.
        reference = `data:${part.mimetype.startsWith('image/') ? part.mimetype : 'image/octet-stream'};base64,${(await part.toBuffer()).toString('base64')}`;
      }
      else if (part.fieldname === 'options' && optionsText === undefined) optionsText = await readOptionsFile(part.file);
      else {
        part.file.resume();
        unexpected.push(part.fieldname);
      }
    } else if (part.fieldname === 'webhook' && webhook === undefined) {
      webhook = part.value;
    } else if (part.fieldname === 'options' && optionsText === undefined && optionsValue === undefined) {
      if (part.valueTruncated) throw new HttpError(413, 'BODY_TOO_LARGE', 'the "options" field is too large');
      if (typeof part.value === 'string') optionsText = part.value;
      else optionsValue = { value: part.value };
    } else {
      unexpected.push(part.fieldname);
    }
  }
  if (unexpected.length > 0) {
    throw new HttpError(400, 'BAD_REQUEST', `unexpected form field(s) ${unexpected.map((f) => JSON.stringify(f)).join(', ')}; allowed: ${MULTIPART_FIELDS.join(', ')} (image as a file)`);
  }
  const options = optionsValue ? optionsValue.value : parseJsonText(optionsText, 'the "options" field');
  if (reference === undefined) return { image, options, webhook };
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) return { image, options, webhook };
  if ((options as { reference?: unknown } | undefined)?.reference !== undefined) {
    throw new HttpError(400, 'OPTIONS', 'a reference came both as the "reference" file and in options.reference: send one');
  }
  return { image, options: { ...(options as object | undefined), reference }, webhook };
}

function queryOptions(request: FastifyRequest): string | undefined {
  return queryParameter(request, 'options');
}

function queryParameter(request: FastifyRequest, name: 'options' | 'webhook'): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  // Two of them would leave one silently unused: say so instead.
  if (Array.isArray(value)) throw new HttpError(400, name === 'options' ? 'OPTIONS' : 'BAD_REQUEST', `the "${name}" query parameter was given ${value.length} times; give it once`);
  return typeof value === 'string' ? value : undefined;
}

/** The `options` part sent as a file: read at most the field limit, not the image's. */
async function readOptionsFile(file: NodeJS.ReadableStream & { resume(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of file as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > OPTIONS_LIMIT_BYTES) {
      file.resume(); // drain the rest so busboy can finish the body
      throw new HttpError(413, 'BODY_TOO_LARGE', `the "options" part is larger than ${OPTIONS_LIMIT_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJsonText(text: string | undefined, where: string): unknown {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'OPTIONS', `${where} is not valid JSON: ${(error as Error).message}`);
  }
}

function decodeBase64(text: string): Buffer {
  const payload = text.startsWith('data:') ? text.slice(text.indexOf(',') + 1) : text;
  const compact = payload.replace(/\s+/g, '');
  // Buffer.from skips invalid characters silently, so check the alphabet first.
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) throw new HttpError(400, 'BAD_REQUEST', '"image" is not valid base64');
  return Buffer.from(compact, 'base64');
}

function invalid(error: z.ZodError): HttpError {
  const issues = error.issues.map((issue) => ({ ...issue, path: issue.path.map(String) }));
  const onlyOptions = issues.every((issue) => issue.path[0] === 'options');
  return new HttpError(400, onlyOptions ? 'OPTIONS' : 'BAD_REQUEST', describeIssues(error.issues), { issues });
}

/**
 * One line per problem, hints and strokes counted from 1 as people count (`optionLabel`); `details.issues`
 * keeps zod's issues with their 0-based JSON paths for programs.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path[0] === 'options' ? `options: ${optionLabel(i.path.slice(1))}` : optionLabel(i.path)}: ${i.message}`).join('; ');
}

/** Validates options and the image; throws HttpError 400/413/415/422 with a reason a person can act on. */
export async function checkSubmission(raw: RawSubmission, checks: SubmissionChecks): Promise<Submission> {
  const parsed = ColorizeOptionsSchema.safeParse(raw.options ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ ...issue, path: issue.path.map(String) }));
    throw new HttpError(400, 'OPTIONS', `invalid options: ${describeIssues(parsed.error.issues)}`, { issues });
  }
  const options: ColorizeSettings = { ...parsed.data, maxPixels: Math.min(parsed.data.maxPixels, checks.maxPixels) };
  if (options.decodeMaxPixels > checks.caps.maxDecodePixels) {
    throw new HttpError(400, 'OPTIONS', `decodeMaxPixels ${options.decodeMaxPixels} is over this server's limit of ${checks.caps.maxDecodePixels}`, {
      issues: [{ code: 'too_big', path: ['decodeMaxPixels'], message: `at most ${checks.caps.maxDecodePixels} here`, maximum: checks.caps.maxDecodePixels }],
    });
  }
  checks.refine?.(options);
  if (raw.webhook !== undefined && checks.webhooks === false) {
    throw new HttpError(400, 'BAD_REQUEST', 'this endpoint answers with the image itself; webhooks are for POST /v1/colorizations', { issues: [{ path: ['webhook'], message: 'not here' }] });
  }
  const webhook = checkWebhookUrl(raw.webhook, { allow: checks.webhookAllow });
  options.model = await resolveModel(options.model, checks);
  if (options.anchor !== undefined && options.anchor > 0) {
    // Refused before queueing (the run checks again): a pack without an anchor head cannot take one.
    const manifest = readManifestSync(resolvePackDir(options.model));
    if (manifest !== undefined) checkOptionsForPack(options, manifest);
  }

  const image = raw.image;
  if (image === undefined || image.length === 0) throw new HttpError(400, 'BAD_REQUEST', 'no image: send a non-empty "image"');
  const format = sniffImageFormat(image);
  if (format === undefined) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `the image format is not supported; send one of: ${Object.values(SUPPORTED_MEDIA_TYPES).join(', ')}`, {
      supported: Object.values(SUPPORTED_MEDIA_TYPES),
    });
  }
  let size: { width: number; height: number } | undefined;
  if (checks.probe) {
    try {
      const probed = await checks.probe(image, { maxPixels: options.maxPixels });
      checkJobSize(probed, options, checks.caps);
      size = sizeOf(probed);
    } catch (error) {
      if (error instanceof HttpError) throw error;
      if (!isColorWizardError(error)) throw error;
      // The decoder knows more formats than it accepts (SVG, JPEG 2000…): those are media-type errors.
      if (error.code === 'INPUT_IMAGE' && Array.isArray(error.details.allowed)) {
        throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', error.message, { ...error.details, supported: Object.values(SUPPORTED_MEDIA_TYPES) });
      }
      throw toHttpError(error);
    }
  }
  await checkSteering(options, size, checks.probe);
  return webhook === undefined ? { image, options } : { image, options, webhook };
}

/** 413 before queueing for what would not fit: too many sample pixels, or more memory than the cap. */
function checkJobSize(size: unknown, options: ColorizeSettings, caps: JobCaps): void {
  const { width, height } = (size ?? {}) as { width?: unknown; height?: unknown };
  if (typeof width !== 'number' || typeof height !== 'number') return;
  const samplePixels = options.samples * width * height;
  if (samplePixels > caps.maxSamplePixels) {
    throw new HttpError(413, 'JOB_TOO_LARGE', `${options.samples} sample(s) of ${width}×${height} are ${samplePixels} pixels, over this server's limit of ${caps.maxSamplePixels}; ask for fewer samples or send a smaller image`, {
      samplePixels,
      maxSamplePixels: caps.maxSamplePixels,
    });
  }
  const memory = estimateRunMemory({ width, height, samples: options.samples, decodeMaxPixels: options.decodeMaxPixels });
  if (memory > caps.maxJobMemory) {
    throw new HttpError(413, 'JOB_TOO_LARGE', `this job needs about ${Math.ceil(memory / 2 ** 20)} MiB, over this server's limit of ${Math.floor(caps.maxJobMemory / 2 ** 20)} MiB per job; ask for fewer samples or send a smaller image`, {
      estimatedBytes: memory,
      maxJobMemory: caps.maxJobMemory,
    });
  }
}

async function resolveModel(requested: string | undefined, checks: SubmissionChecks): Promise<string | undefined> {
  if (requested === undefined) return checks.defaultModel;
  const models = await checks.models();
  const target = models.get(requested);
  // Clients choose among listed packs only: a free path would let them point the server at any folder.
  if (target === undefined) {
    const names = [...models.keys()];
    throw new HttpError(400, 'OPTIONS', `unknown model "${requested}"; available: ${names.length > 0 ? names.join(', ') : '(none)'}`, {
      issues: [{ code: 'invalid_value', path: ['model'], message: `one of: ${names.join(', ')}`, values: names }],
    });
  }
  return target;
}
