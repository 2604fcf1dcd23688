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
import { calibrate, measuredWork, RunProgress, stageOfPart } from './progress-plan.js';
import type { RunWorkspace } from './run-workspace.js';
import type { ColorizeSettings } from './options-schema.js';
import type { ColorizeInput, ColorizeOptions, ColorizeResult, ColorizeRuntimeOptions, ProgressEvent } from './types.js';
import { validateRuntimeOptions } from './runtime-options-schema.js';
import { checkPersistedSnapshot } from './snapshot-schema.js';
import { validateOptions } from './validate-options.js';

export type ColorizeActor = Actor<PipelineMachine>;
export type ColorizeSnapshot = SnapshotFrom<PipelineMachine>;

/** Events from inside a stage (decoder tiles, samples) come at most this often; stage changes always. */
const WORK_EVENT_MS = 100;

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
    const restored = actorFor(input, context.settings, runtime, snapshot);
    restored.workspace.restored = true;
    return restored;
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
  const progress = new RunProgress(workspace.runtime.session?.provider ?? 'cpu');
  workspace.progress = progress;
  return new Promise<ColorizeResult>((resolve, reject) => {
    let lastKey = '';
    let lastWorkEventAt = 0;
    let stage: ProgressEvent['stage'] = 'loading';
    let steps: Pick<ProgressEvent, 'step' | 'totalSteps'> = {};
    const emit = (event: ProgressEvent) => {
      const key = `${event.stage}:${event.step ?? ''}:${event.sample ?? ''}:${event.fraction.toFixed(4)}`;
      if (onProgress === undefined || key === lastKey) return;
      lastKey = key;
      safeProgress(onProgress, event);
    };
    let lastSample: number | undefined;
    workspace.report = (part, fraction, extra = {}) => {
      progress.advance(part, fraction);
      const now = performance.now();
      // A new sample is always told (it changes what a progress line says); tiles in between at most every WORK_EVENT_MS.
      if (now - lastWorkEventAt < WORK_EVENT_MS && extra.sample === lastSample) return;
      lastWorkEventAt = now;
      lastSample = extra.sample;
      // By the part, not the last snapshot: xstate starts a stage's actor before subscribers see the stage.
      const at = stageOfPart(part);
      emit(progress.event(at, { ...(at === 'denoising' ? steps : {}), ...extra }));
    };
    const onAbort = () => actor.send({ type: 'CANCEL' });
    const subscription = actor.subscribe({
      next: (snapshot) => {
        const value = String(snapshot.value);
        if (snapshot.status === 'active') {
          stage = stageOf(value);
          progress.enter(stage);
          steps = {};
          const run = snapshot.context.run;
          if (stage === 'denoising' && run !== null) {
            const total = run.timesteps.length;
            const step = Math.min(snapshot.context.step + 1, total);
            steps = { step, totalSteps: total };
            progress.advance('denoise', (step - 1) / Math.max(1, total));
          }
          emit(progress.event(stage, steps));
        }
        if (snapshot.status !== 'done') return;
        subscription.unsubscribe();
        signal?.removeEventListener('abort', onAbort);
        const ctx = snapshot.context;
        if (value === 'done') {
          const run = ctx.run!;
          const timings = { ...ctx.timings, totalMs: performance.now() - started, modelMs: modelClock.ms - modelStart };
          // A restored run's stage times are partial: calibrating from them would skew later estimates.
          if (!workspace.restored && progress.estimated !== undefined && progress.calibrationKey !== undefined) {
            calibrate(progress.calibrationKey, progress.estimated, measuredWork(timings));
          }
          emit(progress.event('done'));
          resolve({
            width: run.width,
            height: run.height,
            samples: workspace.samples!,
            seed: run.seed,
            steps: run.steps,
            scheduler: run.scheduler,
            guidance: run.guidance,
            temperature: run.temperature,
            anchor: run.anchor,
            model: run.model,
            prompt: { text: ctx.settings.prompt, negative: ctx.settings.negativePrompt, understood: run.understood },
            timings,
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
