import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { ErrorInfo } from '../server/http-errors.js';
import type { JobStateName, ResultSummary } from '../server/job-machine.js';
import type { JobEventName, JobView } from '../server/job-queue.js';
import type { ProgressEvent } from '../pipeline/types.js';

/**
 * A Redis-mode job is a hash (its record) and a list (its event log, replayed for Last-Event-ID:
 * event n is list entry n-1). BullMQ schedules the job; the record says what clients see. Every
 * change goes through APPEND_SCRIPT, which checks the state it expects atomically, so a cancel
 * racing a start, or two workers finishing one job (a false stall), change it once.
 */

export interface QueueKeys {
  job(id: string): string;
  log(id: string): string;
  /** Ids of every job with a record, for API processes that start later. */
  index: string;
  /** Pub/sub: cancels for workers, removals for other API processes. */
  control: string;
  /** Set by the one API process that delivers a job's webhook (SET NX), so several APIs send it once. */
  webhook(id: string): string;
}

/** BullMQ's own keys start with `bull:<queue>`; ours live beside them. */
export function queueKeys(queueName: string): QueueKeys {
  const base = `color-wizard:${queueName}`;
  return { job: (id) => `${base}:job:${id}`, log: (id) => `${base}:log:${id}`, index: `${base}:jobs`, control: `${base}:control`, webhook: (id) => `${base}:webhook:${id}` };
}

const json = <T extends z.ZodType>(schema: T) =>
  z.string().transform((text, ctx): z.output<T> => {
    try {
      const parsed = schema.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: 'custom', message: parsed.error.message });
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
    return z.NEVER;
  });

const STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
const REASONS = ['client', 'shutdown', 'timeout'] as const;

/** The record hash as Redis returns it (strings), checked once here. */
export const JobRecordSchema = z.object({
  state: z.enum(STATES),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  expiresAt: z.string().optional(),
  options: json(z.record(z.string(), z.unknown())),
  retain: z.enum(['0', '1']).transform((v) => v === '1'),
  timeoutMs: z.coerce.number().int().nonnegative(),
  ttlMs: z.coerce.number().int().positive(),
  attempts: z.coerce.number().int().nonnegative().default(0),
  worker: z.string().optional(),
  cancel: z.enum(REASONS).optional(),
  progress: json(z.custom<ProgressEvent>((v) => typeof v === 'object' && v !== null)).optional(),
  error: json(z.custom<ErrorInfo>((v) => typeof v === 'object' && v !== null)).optional(),
  result: json(z.custom<ResultSummary>((v) => typeof v === 'object' && v !== null)).optional(),
  /** Where the final state is POSTed (checked against the allowed hosts when the job was submitted). */
  webhook: z.string().optional(),
});
export type JobRecord = z.output<typeof JobRecordSchema>;

/** One log entry; `data` is a JobView for state and final events, a ProgressEvent for progress. */
export const LogEntrySchema = json(z.object({ event: z.enum(['state', 'progress', 'done', 'failed', 'cancelled']), data: z.record(z.string(), z.unknown()) }));

export const ControlMessageSchema = json(
  z.discriminatedUnion('type', [z.object({ type: z.literal('cancel'), id: z.string(), reason: z.enum(REASONS) }), z.object({ type: z.literal('removed'), id: z.string() })]),
);
export type ControlMessage = z.output<typeof ControlMessageSchema>;

export async function readRecord(redis: Redis, keys: QueueKeys, id: string): Promise<JobRecord | undefined> {
  const hash = await redis.hgetall(keys.job(id));
  if (Object.keys(hash).length === 0) return undefined;
  const parsed = JobRecordSchema.safeParse(hash);
  // A record we cannot read is treated as gone rather than crash the role that meets it.
  return parsed.success ? parsed.data : undefined;
}

/** What clients see of a record (position is the API's to fill in). */
export function recordView(id: string, record: JobRecord): JobView {
  return {
    id,
    state: record.state,
    position: null,
    progress: record.progress ?? null,
    cancelRequested: record.cancel !== undefined && record.state === 'running',
    createdAt: record.createdAt,
    startedAt: record.startedAt ?? null,
    finishedAt: record.finishedAt ?? null,
    expiresAt: record.expiresAt ?? null,
    error: record.error ?? null,
    result: record.result ?? null,
  };
}

/** Record fields as Redis stores them. */
export function recordFields(record: Partial<JobRecord>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    fields[key] = typeof value === 'string' ? value : typeof value === 'boolean' ? (value ? '1' : '0') : typeof value === 'number' ? String(value) : JSON.stringify(value);
  }
  return fields;
}

// KEYS: record, log. ARGV: allowed states (comma list), event, entry JSON, log limit, new state ('' = same),
// expiry ms (0 = none), then field/value pairs. Returns the event's seq, 0 when refused, -1 without a record.
const APPEND_SCRIPT = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return -1 end
if not string.find(',' .. ARGV[1] .. ',', ',' .. state .. ',', 1, true) then return 0 end
if #ARGV > 6 then redis.call('HSET', KEYS[1], unpack(ARGV, 7)) end
if ARGV[2] == 'progress' and redis.call('LLEN', KEYS[2]) >= tonumber(ARGV[4]) then return 0 end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'state', ARGV[5]) end
local seq = redis.call('RPUSH', KEYS[2], ARGV[3])
if tonumber(ARGV[6]) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[6])
  redis.call('PEXPIRE', KEYS[2], ARGV[6])
end
return seq
`;

export interface AppendEvent {
  /** The change applies only from these states. */
  from: readonly JobStateName[];
  event: JobEventName;
  data: JobView | ProgressEvent;
  state?: JobStateName;
  fields?: Partial<JobRecord>;
  /** Keys expire this long after a final event: the safety net when no API process removes them. */
  expireMs?: number;
  logLimit: number;
}

/** Appends one event (and record changes) if the job is in an expected state; resolves with its seq, 0 or -1. */
export async function appendEvent(redis: Redis, keys: QueueKeys, id: string, change: AppendEvent): Promise<number> {
  const pairs = Object.entries(recordFields(change.fields ?? {})).flat();
  const entry = JSON.stringify({ event: change.event, data: change.data });
  const seq = await redis.eval(APPEND_SCRIPT, 2, keys.job(id), keys.log(id), change.from.join(','), change.event, entry, change.logLimit, change.state ?? '', change.expireMs ?? 0, ...pairs);
  return Number(seq);
}

/** Keys of a job expire this much after its results would: API processes delete first, with the files. */
export const EXPIRY_MARGIN_MS = 60_000;
