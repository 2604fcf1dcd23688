import { OptionsError } from '../errors/index.js';
import { z } from 'zod';

/**
 * Settings every Redis-mode role shares (`serve --redis`, `worker`): the same schema checks the
 * CLI flags and the library options. Roles that should work together need the same values.
 */
export const QueueSettingsSchema = z
  .object({
    /** redis://[user:password@]host:port[/db] or rediss:// for TLS. */
    redisUrl: z.string().regex(/^rediss?:\/\/[^\s]+$/, 'a redis:// or rediss:// URL'),
    /** Several deployments can share one Redis under different names. */
    queueName: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ (at most 64)').default('colorize'),
    /** The folder every API and worker machine reaches (inputs and results; Redis holds state only). */
    resultsDir: z.string().min(1),
    /** Seconds Redis waits for the first connection before the role gives up (exit code 9). */
    connectTimeoutSeconds: z.number().min(0.1).max(300).default(5),
  })
  .strict();

export const WorkerSettingsSchema = QueueSettingsSchema.extend({
  /** Jobs this worker runs at once (one worker thread each). */
  concurrency: z.number().int().min(1).max(64).default(1),
  /** Pack every thread loads before the worker takes jobs. */
  model: z.string().min(1).optional(),
  /**
   * A worker that stops renewing its lock this long (killed, machine gone) loses its job to
   * another worker. Shorter fails over sooner; it must stay well above event-loop pauses.
   */
  lockTimeoutSeconds: z.number().min(1).max(3600).default(30),
  /** Times a job whose worker died is run again; then it fails with WORKER_LOST. */
  maxRetries: z.number().int().min(0).max(100).default(1),
  /** On SIGTERM, running jobs get this long to finish; then they go back to the queue for another worker. */
  shutdownGraceSeconds: z.number().min(0).max(3600).default(10),
  /** Log lines (JSON) on stderr. */
  logger: z.boolean().default(false),
}).strict();

export type QueueSettingsInput = z.input<typeof QueueSettingsSchema>;
export type QueueSettings = z.output<typeof QueueSettingsSchema>;
export type WorkerSettingsInput = z.input<typeof WorkerSettingsSchema>;
export type WorkerSettings = z.output<typeof WorkerSettingsSchema>;

/** Parses once at the boundary; a bad value is an OptionsError naming the setting. */
export function parseSettings<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const checked = schema.safeParse(input);
  if (checked.success) return checked.data;
  const issues = checked.error.issues;
  throw new OptionsError(`invalid ${what}: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { details: { issues } });
}
