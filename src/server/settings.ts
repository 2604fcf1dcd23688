import { totalmem } from 'node:os';
import { z } from 'zod';

/** Server settings: the same schema checks `createServer` options and `color-wizard serve` flags. */

const MIB = 1024 * 1024;
/** "host", "host:port", "*.domain" or "[ipv6]:port" (lowercase), as webhookAllow (--webhook-allow) takes them. */
export const WEBHOOK_HOST_PATTERN = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/;

/** setTimeout wraps above 2^31-1 ms, so "no timeout" is this (about 24 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export const ServerSettingsSchema = z
  .object({
    /** Jobs run at the same time. Each run is CPU/GPU heavy, so 1 is right for most machines. */
    concurrency: z.number().int().min(1).max(64).default(1),
    /** Jobs waiting beyond the running ones; more are refused with 503 + Retry-After. */
    queue: z.number().int().min(0).max(10_000).default(16),
    /** Seconds finished jobs and their images are kept before deletion. */
    resultsTtlSeconds: z.number().min(1).max(7 * 24 * 3600).default(600),
    /** Finished results kept at most (bytes of encoded images); oldest jobs are dropped first beyond it. */
    resultsMaxBytes: z.number().int().positive().max(2 ** 50).default(1024 * MIB),
    /** Keep results as files in this folder instead of memory. */
    resultsDir: z.string().min(1).optional(),
    /** Request body limit in bytes (413 beyond). */
    bodyLimit: z.number().int().positive().max(4096 * MIB).default(50 * MIB),
    /** Operator caps, which no client option can exceed (docs/server.md, "Limits"). */
    /** Server-wide pixel cap; a client's `maxPixels` can only lower it. */
    maxPixels: z.number().int().positive().max(1_000_000_000).default(100_000_000),
    /** Largest `decodeMaxPixels` a client may ask for (the decoder's cost grows with it: 22 s vs 5 s at 12 MP). */
    maxDecodePixels: z.number().int().min(4096).max(1_000_000_000).default(4 * MIB),
    /** Largest samples × pixels of one job (each sample is a full-resolution image in memory). */
    maxSamplePixels: z.number().int().positive().max(16_000_000_000).default(200_000_000),
    /** Largest estimated memory of one job in bytes; default half this machine's memory over `concurrency`. */
    maxJobMemory: z.number().int().positive().max(2 ** 50).optional(),
    /** Allowed CORS origins; false (default) sends no CORS headers. */
    cors: z.union([z.literal(false), z.string().min(1), z.array(z.string().min(1)).min(1)]).default(false),
    /** Default model pack (folder or name) for jobs that don't name one. */
    model: z.string().min(1).optional(),
    /** Per-job limit in seconds (run time; for POST /v1/colorize, time since the request arrived). 0 = none. */
    timeoutSeconds: z.number().min(0).max(MAX_TIMER_MS / 1000).default(300),
    /** On shutdown, running jobs get this long to finish before they are cancelled. */
    shutdownGraceSeconds: z.number().min(0).max(3600).default(10),
    /** DELETE of a running job waits this long for it to stop before answering 202. */
    cancelWaitMs: z.number().int().min(0).max(60_000).default(5_000),
    /** Pino logging; off by default so tests stay quiet. */
    logger: z.boolean().default(false),
    /**
     * Bearer token every /v1 request must carry (`Authorization: Bearer <token>`); the web page signs in
     * with it once (a cookie). None: no authentication, which `serve` allows on loopback addresses only.
     */
    token: z.string().min(16, 'at least 16 characters (e.g. `openssl rand -hex 24`)').max(4096).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces').optional(),
    /** Hosts job webhooks may go to: "host", "host:port" or "*.domain". Empty: webhooks are refused. */
    webhookAllow: z
      .array(z.string().trim().toLowerCase().regex(WEBHOOK_HOST_PATTERN, 'a host name, "host:port", "*.domain" or "[ipv6]:port"'))
      .max(256)
      .default([]),
    /** Key of the webhooks' HMAC-SHA256 signature; required with webhookAllow, so every delivery is signed. */
    webhookSecret: z.string().min(16, 'at least 16 characters').max(4096).optional(),
    /** Time one webhook delivery attempt may take. */
    webhookTimeoutSeconds: z.number().min(0.1).max(300).default(10),
    /** Delivery attempts in all (retried on network errors, timeouts, 408, 429 and 5xx). */
    webhookAttempts: z.number().int().min(1).max(20).default(6),
    /** Wait before the first retry; doubles after each (1, 2, 4, 8, 16 s by default). */
    webhookBackoffMs: z.number().int().min(0).max(600_000).default(1000),
  })
  .strict()
  .refine((s) => s.webhookAllow.length === 0 || s.webhookSecret !== undefined, {
    message: 'webhooks need a signing secret: set webhookSecret (--webhook-secret or COLOR_WIZARD_WEBHOOK_SECRET) with webhookAllow',
    path: ['webhookSecret'],
  });

/** The memory cap in force: the setting, or half of this machine's memory shared by the concurrent jobs. */
export function jobMemoryCap(settings: Pick<ServerSettings, 'maxJobMemory' | 'concurrency'>): number {
  return settings.maxJobMemory ?? Math.floor(totalmem() / 2 / settings.concurrency);
}

export type ServerSettingsInput = z.input<typeof ServerSettingsSchema>;
export type ServerSettings = z.output<typeof ServerSettingsSchema>;

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: MIB, mb: MIB, mib: MIB, g: 1024 * MIB, gb: 1024 * MIB, gib: 1024 * MIB };

/** "50mb" → 52428800. Binary units, because that is what people mean by body limits. */
export function parseByteSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new RangeError(`invalid size "${text}": use a number with an optional unit b, kb, mb or gb (e.g. 50mb)`);
  }
  const bytes = Math.round(Number(match[1]) * unit);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new RangeError(`invalid size "${text}": must be positive`);
  return bytes;
}
