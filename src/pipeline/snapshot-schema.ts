import { z } from 'zod';
import { OptionsError } from '../errors/index.js';
import { ANCHOR_MAX, SCHEDULER_NAMES, SchedulerStateSchema } from '../schedulers/index.js';
import { ColorizeOptionsSchema } from './options-schema.js';
import type { PipelineContext, ResumableState } from './pipeline-machine.js';
import { RESUMABLE_STATES, STAGE_ACTORS } from './pipeline-machine.js';

/**
 * A persisted pipeline snapshot (`actor.getPersistedSnapshot()`, through JSON) is checked here before
 * xstate restores it: a snapshot from another version, or edited by hand, fails with OptionsError
 * listing what is wrong instead of failing later at some step. Every scheduler resumes bit-exact: the
 * snapshot holds the noise positions and the scheduler's own state (multistep history, Heun's stage).
 */

const uint32 = z.number().int().min(0).max(0xffff_ffff);
const int32 = z.number().int().min(-0x8000_0000).max(0x7fff_ffff);
const ms = z.number().finite().min(0);

const RunSchema = z
  .object({
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    seed: uint32,
    seeds: z.array(uint32).min(1),
    steps: z.number().int().min(1),
    scheduler: z.enum(SCHEDULER_NAMES),
    guidance: z.number().finite(),
    // Snapshots taken before temperature existed ran at 1.
    temperature: z.number().finite().min(0).default(1),
    // Snapshots taken before anchors existed started from pure noise.
    anchor: z.number().finite().min(0).max(ANCHOR_MAX).default(0),
    model: z.string(),
    timesteps: z.array(z.number().finite()),
    understood: z.array(z.looseObject({ color: z.string(), ab: z.tuple([z.number(), z.number()]), target: z.string(), phrase: z.string() })),
  })
  .strict();

const ContextSchema = z
  .object({
    settings: ColorizeOptionsSchema,
    run: RunSchema.nullable(),
    latent: z.array(z.number().finite()).nullable(),
    rng: z.array(z.array(int32).length(4)).nullable(),
    schedulerState: SchedulerStateSchema.nullable(),
    step: z.number().int().min(0),
    timings: z.object({ readMs: ms, loadMs: ms, prepareMs: ms, denoiseMs: ms, decodeMs: ms, upsampleMs: ms, fuseMs: ms, encodeMs: ms, totalMs: ms, modelMs: ms }).strict(),
    outputs: z.null(),
    error: z.null(),
  })
  .strict();

export const PersistedSnapshotSchema = z
  .looseObject({
    status: z.literal('active', 'only a run still in progress can be resumed'),
    value: z.enum(RESUMABLE_STATES, `a run resumes in ${RESUMABLE_STATES.join(', ')}; later stages hold pixel buffers that snapshots lack`),
    context: ContextSchema,
    children: z.record(z.string(), z.looseObject({ src: z.string(), snapshot: z.looseObject({ status: z.literal('active') }) })),
  })
  .superRefine(({ value, context: c, children }, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const kids = Object.values(children);
    if (kids.length !== 1 || kids[0].src !== STAGE_ACTORS[value].src) issue(['children'], `a ${value} snapshot has one child, "${STAGE_ACTORS[value].src}"`);
    if (value !== 'denoising' && value !== 'decoding') return;
    const { run, latent } = c;
    if (run === null || latent === null) return issue(['context'], `a ${value} snapshot needs run and latent`);
    const n = c.settings.samples;
    if (run.seeds.length !== n) issue(['context', 'run', 'seeds'], `one seed per sample (${n})`);
    if (latent.length === 0 || latent.length % n !== 0) issue(['context', 'latent'], `${latent.length} values do not split into ${n} samples`);
    const total = run.timesteps.length;
    if (value === 'decoding') {
      if (c.step !== total) issue(['context', 'step'], `decoding follows all ${total} steps, not step ${c.step}`);
      return;
    }
    if (c.step >= Math.max(1, total)) issue(['context', 'step'], `step ${c.step} is past the run's ${total} steps`);
    if (c.rng === null || c.rng.length !== n) issue(['context', 'rng'], `one generator state per sample (${n})`);
    const s = c.schedulerState;
    if (s === null) return issue(['context', 'schedulerState'], 'a denoising snapshot holds the scheduler state');
    if (s.name !== run.scheduler) issue(['context', 'schedulerState', 'name'], `the run uses ${run.scheduler}`);
    // An anchored run takes the tail of its scheduler's timesteps: its steps count from that offset.
    const offset = s.timesteps.length - total;
    if (offset < 0 || run.timesteps.some((t, i) => Math.fround(t) !== Math.fround(s.timesteps[offset + i]))) {
      return issue(['context', 'run', 'timesteps'], "the run's timesteps are not the end of its scheduler's");
    }
    const expected = c.step === 0 && offset === 0 ? -1 : offset + c.step;
    if (s.stepIndex !== expected) issue(['context', 'schedulerState', 'stepIndex'], `the run is at step ${c.step}`);
  });

/**
 * Checks a persisted snapshot and returns the one to restore: the checked context, and its invoked
 * child's input rebuilt from that context (xstate restarts the child from its stored input, so a copy
 * there must not be trusted). Throws OptionsError listing every problem.
 */
export function checkPersistedSnapshot(snapshot: unknown): { value: ResumableState; context: PipelineContext; snapshot: Record<string, unknown> } {
  const parsed = PersistedSnapshotSchema.safeParse(snapshot);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new OptionsError(`Invalid snapshot: ${issues.map((i) => `${i.path || '(snapshot)'}: ${i.message}`).join('; ')}`, { details: { issues } });
  }
  const { value, children } = parsed.data;
  const context = parsed.data.context as PipelineContext;
  const [id, child] = Object.entries(children)[0];
  const stage = STAGE_ACTORS[value];
  const rebuilt = { src: stage.src, syncSnapshot: false, systemId: child.systemId, snapshot: { status: 'active', input: stage.input(context) } };
  return { value, context, snapshot: { status: 'active', value, historyValue: {}, context, children: { [id]: rebuilt } } };
}
