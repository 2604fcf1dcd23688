import type { EventEmitter } from 'node:events';
import type { ColorizeWorkers } from '../workers/index.js';
import { parseSettings, WorkerSettingsSchema, type WorkerSettingsInput } from './queue-settings.js';
import { QueueWorker } from './queue-worker.js';
import { SharedFolderStore } from './shared-folder-store.js';
import { stderrLog } from './stderr-log.js';

export interface RunWorkerHooks {
  /** Worker threads by default; tests pass a fake. */
  workers?: ColorizeWorkers;
  /** Where SIGTERM/SIGINT come from (the process by default). */
  signals?: EventEmitter;
  onReady?: (worker: QueueWorker) => void;
}

/** `color-wizard worker`: runs queue jobs until SIGTERM or SIGINT, then drains and resolves. */
export async function runWorker(input: WorkerSettingsInput, hooks: RunWorkerHooks = {}): Promise<void> {
  const settings = parseSettings(WorkerSettingsSchema, input, 'worker settings');
  const store = new SharedFolderStore(settings.resultsDir);
  await store.open();
  const workers = hooks.workers ?? new (await import('../workers/index.js')).ThreadWorkers({ size: settings.concurrency });
  const worker = new QueueWorker({ ...settings, store, workers, log: stderrLog(settings.logger) });
  try {
    await worker.start();
  } catch (error) {
    await workers.close();
    throw error;
  }
  hooks.onReady?.(worker);
  const signals = hooks.signals ?? process;
  await new Promise<void>((resolve) => {
    const onSignal = () => {
      signals.off('SIGTERM', onSignal);
      signals.off('SIGINT', onSignal);
      resolve();
    };
    signals.once('SIGTERM', onSignal);
    signals.once('SIGINT', onSignal);
  });
  await worker.drain();
}
