import { z } from 'zod';
import { SchedulerConfigError } from '../errors/index.js';
import { SCHEDULER_NAMES } from './scheduler-names.js';

/** Latent-sized arrays in a state: float32 values as JSON numbers (exact both ways). */
export const FloatValuesSchema = z.array(z.number().finite());

/**
 * A scheduler's progress through one run as plain JSON, for persisted snapshots: where it is in
 * `timesteps`, and what its algorithm carries between steps (multistep history, Heun's stage) in `extra`.
 */
export const SchedulerStateSchema = z
  .object({
    name: z.enum(SCHEDULER_NAMES),
    /** The schedule the state belongs to; a scheduler only takes a state of the same timesteps. */
    timesteps: z.array(z.number().finite()).min(1),
    /** Index of the next step; -1 before the first. */
    stepIndex: z.number().int().min(-1),
    /** Latent length of the run; -1 before the first step. */
    runLength: z.number().int().min(-1),
    extra: z.record(z.string(), z.unknown()),
  })
  .strict();

export type SchedulerState = z.infer<typeof SchedulerStateSchema>;

/** Parses `value` with `schema` or throws SchedulerConfigError naming each bad field of `what`. */
export function parseState<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new SchedulerConfigError(`${what}: ${issues.map((i) => `${i.path || '(state)'}: ${i.message}`).join('; ')}`, { details: { issues } });
}
