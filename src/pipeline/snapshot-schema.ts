import { z } from 'zod';
import { OptionsError, SchedulerConfigError } from '../errors/index.js';
import { SCHEDULER_NAMES, type SchedulerName } from '../schedulers/scheduler.js';
import { ColorizeOptionsSchema } from './options-schema.js';

/**
 * A persisted pipeline snapshot (`actor.getPersistedSnapshot()`, through JSON) is checked here before
 * xstate restores it: a snapshot from another version, or edited by hand, fails with OptionsError
 * listing what is wrong instead of failing later at some step.
 */

/**
 * Schedulers whose state between steps is more than the latent and the noise position: Heun's second
 * stage, the multistep solvers' history of model outputs. Snapshots do not hold that state, so runs with
 * them resume only before their first denoising step. The others (DDIM, Euler, and the ancestral
 * samplers, whose noise position the snapshot holds) resume bit-exact at any step.
 */
export const STATEFUL_SCHEDULERS: readonly SchedulerName[] = ['heun', 'dpmpp-2m', 'dpmpp-2m-karras', 'unipc'];

const int32 = z.number().int().min(-0x8000_0000).max(0x7fff_ffff);

const RunSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  seed: z.number().int().min(0).max(0xffff_ffff),
  seeds: z.array(z.number().int().min(0).max(0xffff_ffff)).min(1),
  steps: z.number().int().min(1),
  scheduler: z.enum(SCHEDULER_NAMES),
  guidance: z.number().finite(),
  model: z.string(),
  timesteps: z.array(z.number().finite()),
  understood: z.array(z.unknown()),
});

const ContextSchema = z.object({
  options: z.record(z.string(), z.unknown()),
  settings: ColorizeOptionsSchema.nullable(),
  run: RunSchema.nullable(),
  latent: z.array(z.number().finite()).nullable(),
  rng: z.array(z.array(int32).length(4)).nullable(),
  step: z.number().int().min(0),
  timings: z.record(z.string(), z.number()),
  outputs: z.array(z.unknown()).nullable(),
  error: z.unknown().nullable(),
});

const STAGES = ['validating', 'loading', 'preparing', 'denoising', 'decoding', 'fusing', 'encoding', 'done', 'failed', 'cancelled'] as const;

export const PersistedSnapshotSchema = z
  .looseObject({
    status: z.enum(['active', 'done', 'error', 'stopped']),
    value: z.enum(STAGES),
    context: ContextSchema,
  })
  .superRefine((snapshot, ctx) => {
    const { value, context } = snapshot;
    if (value !== 'denoising' && value !== 'decoding') return;
    const { run, latent, rng, settings, step } = context;
    if (run === null || latent === null || rng === null || settings === null) {
      ctx.addIssue({ code: 'custom', path: ['context'], message: `a ${value} snapshot needs settings, run, latent and rng` });
      return;
    }
    if (rng.length !== run.seeds.length) ctx.addIssue({ code: 'custom', path: ['context', 'rng'], message: `one generator state per sample (${run.seeds.length})` });
    if (value === 'denoising' && step >= Math.max(1, run.timesteps.length)) {
      ctx.addIssue({ code: 'custom', path: ['context', 'step'], message: `step ${step} is past the run's ${run.timesteps.length} steps` });
    }
  });

/** Validates a persisted snapshot for restoring; throws OptionsError or, for an unresumable sampler, SchedulerConfigError. */
export function checkPersistedSnapshot(snapshot: unknown): z.output<typeof PersistedSnapshotSchema> {
  const parsed = PersistedSnapshotSchema.safeParse(snapshot);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new OptionsError(`Invalid snapshot: ${issues.map((i) => `${i.path || '(snapshot)'}: ${i.message}`).join('; ')}`, { details: { issues } });
  }
  const { value, context } = parsed.data;
  const scheduler = context.run?.scheduler;
  if (value === 'denoising' && context.step > 0 && scheduler !== undefined && STATEFUL_SCHEDULERS.includes(scheduler)) {
    throw new SchedulerConfigError(
      `This run cannot resume at denoising step ${context.step + 1}: the ${scheduler} scheduler keeps state between steps ` +
        `(${scheduler === 'heun' ? "Heun's second stage" : 'its history of model outputs'}) that snapshots do not hold. ` +
        `Start it again, resume it from a snapshot taken before its first step, or use ddim, euler, euler-ancestral, ddpm or lcm.`,
      { details: { scheduler, step: context.step, resumable: SCHEDULER_NAMES.filter((n) => !STATEFUL_SCHEDULERS.includes(n)) } },
    );
  }
  return parsed.data;
}
