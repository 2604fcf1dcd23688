import { createActor } from 'xstate';
import type { Actor, Snapshot, SnapshotFrom } from 'xstate';
import type { ColorWizardError } from '../errors/index.js';
import {
  CancelledError,
  InputImageError,
  InternalError,
  ModelPackError,
  ModelRunError,
  OptionsError,
  OutputError,
  SchedulerConfigError,
} from '../errors/index.js';
import { modelClock } from '../runtime/index.js';
import { createPipelineActors } from './pipeline-actors.js';
import type { PipelineError, PipelineMachine } from './pipeline-machine.js';
import { pipelineMachine, stageOf } from './pipeline-machine.js';
import type { RunWorkspace } from './run-workspace.js';
import type { ColorizeSettings } from './options-schema.js';
import type { ColorizeInput, ColorizeOptions, ColorizeResult, ColorizeRuntimeOptions, ProgressEvent } from './types.js';
import { validateRuntimeOptions } from './runtime-options-schema.js';
import { checkPersistedSnapshot } from './snapshot-schema.js';
import { validateOptions } from './validate-options.js';

export type ColorizeActor = Actor<PipelineMachine>;
export type ColorizeSnapshot = SnapshotFrom<PipelineMachine>;

// Share of the overall progress bar each stage ends at; denoising fills the span between preparing and decoding.
const STAGE_END: Record<ProgressEvent['stage'], number> = {
  loading: 0.05,
  preparing: 0.1,
  denoising: 0.85,
  decoding: 0.95,
  fusing: 0.97,
  encoding: 1,
  done: 1,
};

/**
 * Creates (does not start) the pipeline actor of one run; `options` are checked here, once.
 * `restore.snapshot` resumes a persisted run (`actor.getPersistedSnapshot()`, taken up to the decoding
 * stage) from its stored step, latent, noise positions and scheduler state, bit-exact with every
 * scheduler. The snapshot is validated first (OptionsError); its settings are the run's, and only the
 * runtime options (progress, signal, session, tiles, detector) are taken from `options`.
 */
export function createColorizeActor(
  input: ColorizeInput,
  options: ColorizeOptions = {},
  restore?: { snapshot: unknown },
): { actor: ColorizeActor; workspace: RunWorkspace } {
  const runtime = validateRuntimeOptions(options);
  if (restore !== undefined) {
    // Checked and rebuilt before xstate sees it: a malformed snapshot fails here, with a reason.
    const { context, snapshot } = checkPersistedSnapshot(restore.snapshot);
    return actorFor(input, context.settings, runtime, snapshot);
  }
  const { onProgress: _p, signal: _s, session: _r, tileSize: _t, detector: _d, ...serializable } = options;
  return actorFor(input, validateOptions(serializable), runtime);
}

/**
 * colorize() for callers that parsed their options at their own boundary with `validateOptions`
 * (CLI flags, HTTP bodies, a worker's request): the settings go to the machine without a second check.
 */
export function colorizeWithSettings(input: ColorizeInput, settings: ColorizeSettings, runtime: ColorizeRuntimeOptions = {}): Promise<ColorizeResult> {
  const { actor, workspace } = actorFor(input, settings, runtime);
  return runColorizeActor(actor, workspace);
}

function actorFor(input: ColorizeInput, settings: ColorizeSettings, runtime: ColorizeRuntimeOptions, snapshot?: Record<string, unknown>) {
  const workspace: RunWorkspace = { input, runtime };
  const machine = pipelineMachine.provide({ actors: createPipelineActors(workspace) });
  // The snapshot was checked and rebuilt by checkPersistedSnapshot; xstate's type for it is internal.
  const actor = createActor(machine, { input: { settings }, ...(snapshot ? { snapshot: snapshot as unknown as Snapshot<unknown> } : {}) });
  return { actor, workspace };
}

/** Colorizes one image: one or several full-resolution samples whose lightness is the input's. */
export async function colorize(input: ColorizeInput, options: ColorizeOptions = {}): Promise<ColorizeResult> {
  const { actor, workspace } = createColorizeActor(input, options);
  return runColorizeActor(actor, workspace);
}

/** Starts an actor made by createColorizeActor and settles with its result or its typed error. */
export function runColorizeActor(actor: ColorizeActor, workspace: RunWorkspace): Promise<ColorizeResult> {
  const { signal, onProgress } = workspace.runtime;
  const modelStart = modelClock.ms;
  const started = performance.now();
  return new Promise<ColorizeResult>((resolve, reject) => {
    let last = '';
    const onAbort = () => actor.send({ type: 'CANCEL' });
    const subscription = actor.subscribe({
      next: (snapshot) => {
        const value = String(snapshot.value);
        if (onProgress !== undefined && snapshot.status === 'active') {
          const event = progressOf(snapshot);
          const key = `${event.stage}:${event.step ?? ''}`;
          if (key !== last) {
            last = key;
            safeProgress(onProgress, event);
          }
        }
        if (snapshot.status !== 'done') return;
        subscription.unsubscribe();
        signal?.removeEventListener('abort', onAbort);
        const ctx = snapshot.context;
        if (value === 'done') {
          if (onProgress) safeProgress(onProgress, { stage: 'done', fraction: 1 });
          const run = ctx.run!;
          resolve({
            width: run.width,
            height: run.height,
            samples: workspace.samples!,
            seed: run.seed,
            steps: run.steps,
            scheduler: run.scheduler,
            guidance: run.guidance,
            model: run.model,
            prompt: { text: ctx.settings.prompt, negative: ctx.settings.negativePrompt, understood: run.understood },
            timings: { ...ctx.timings, totalMs: performance.now() - started, modelMs: modelClock.ms - modelStart },
          });
        } else if (value === 'cancelled') {
          reject(new CancelledError('The colorization was cancelled.'));
        } else {
          reject(errorFromPipeline(ctx.error));
        }
      },
      error: (error) => reject(error),
    });
    if (signal?.aborted) {
      // Cancelled before it began: never start the work.
      subscription.unsubscribe();
      reject(new CancelledError('The colorization was cancelled before it started.'));
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    actor.start();
  });
}

function progressOf(snapshot: ColorizeSnapshot): ProgressEvent {
  const stage = stageOf(String(snapshot.value));
  const stages = Object.keys(STAGE_END) as ProgressEvent['stage'][];
  const start = stages.indexOf(stage) > 0 ? STAGE_END[stages[stages.indexOf(stage) - 1]] : 0;
  if (stage === 'denoising' && snapshot.context.run !== null) {
    const total = snapshot.context.run.timesteps.length;
    const step = Math.min(snapshot.context.step + 1, total);
    return { stage, step, totalSteps: total, fraction: start + ((STAGE_END.denoising - start) * (step - 1)) / Math.max(1, total) };
  }
  return { stage, fraction: start };
}

function safeProgress(onProgress: (e: ProgressEvent) => void, event: ProgressEvent): void {
  try {
    onProgress(event);
  } catch {
    // A failing progress callback must not break the run it reports on.
  }
}

const ERROR_CLASSES: Record<string, new (message: string, options?: { details?: Record<string, unknown> }) => ColorWizardError> = {
  INPUT_IMAGE: InputImageError,
  OPTIONS: OptionsError,
  MODEL_PACK: ModelPackError,
  MODEL_RUN: ModelRunError,
  SCHEDULER_CONFIG: SchedulerConfigError,
  CANCELLED: CancelledError,
  OUTPUT: OutputError,
  INTERNAL: InternalError,
};

/** Rebuilds the typed error from the machine's serializable record of it. */
export function errorFromPipeline(error: PipelineError | null): ColorWizardError {
  if (error === null) return new InternalError('The pipeline failed without recording an error.');
  const Cls = ERROR_CLASSES[error.code] ?? InternalError;
  return new Cls(error.message, { details: error.details });
}
