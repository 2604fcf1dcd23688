import type { ColorizeSettings } from '../pipeline/options-schema.js';
import type { ColorizeOptions, ColorizeResult, ColorizeRuntimeOptions } from '../pipeline/types.js';

/** A run's settings, parsed once where they entered (validateOptions), with its signal and progress callback. */
export type WorkerRunOptions = ColorizeSettings & Pick<ColorizeRuntimeOptions, 'signal' | 'onProgress'>;

/**
 * Where colorizations run, away from the caller's event loop. The HTTP server in one process uses
 * it for its jobs; a queue worker (BullMQ, issue 12) runs its jobs through the same interface.
 * At most `size` runs at once; more calls wait for a free worker in call order.
 */
export interface ColorizeWorkers {
  readonly size: number;
  /** Like colorizeWithSettings(): `signal` cancels before the next model call, `onProgress` reports stages. */
  run(image: Buffer, options: WorkerRunOptions): Promise<ColorizeResult>;
  /** Starts every worker and loads `model` (the default pack when absent) in each. */
  warmup(model?: string): Promise<void>;
  /** Stops every worker; runs still going reject with CancelledError. */
  close(): Promise<void>;
}

/** Messages between the pool and one worker thread (structured-clone data only). */
export type WorkerRequest =
  | { type: 'run'; id: number; image: Buffer; settings: ColorizeSettings; session?: ColorizeOptions['session'] }
  | { type: 'cancel'; id: number }
  | { type: 'warmup'; id: number; model?: string; session?: ColorizeOptions['session'] };

export type WorkerReply =
  | { type: 'progress'; id: number; event: Parameters<NonNullable<ColorizeOptions['onProgress']>>[0] }
  | { type: 'done'; id: number; result?: ColorizeResult }
  // code UNKNOWN: not one of ours; the pool rethrows it as a plain Error, so servers do not show its message.
  | { type: 'error'; id: number; error: { code: string; message: string; details: Record<string, unknown> } };
