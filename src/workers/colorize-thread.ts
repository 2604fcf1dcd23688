import { parentPort } from 'node:worker_threads';
import { InternalError, isColorWizardError } from '../errors/index.js';
import { loadModelPack } from '../packs/index.js';
import { colorizeWithSettings } from '../pipeline/index.js';
import type { WorkerReply, WorkerRequest } from './colorize-workers.js';

/** One worker thread of ThreadWorkers: runs colorize() on its own event loop, one request at a time. */
const port = parentPort;
if (port === null) throw new InternalError('colorize-thread.js runs as a worker thread only');

const controllers = new Map<number, AbortController>();
const reply = (message: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'cancel') {
    controllers.get(request.id)?.abort();
    return;
  }
  void handle(request);
});

async function handle(request: Exclude<WorkerRequest, { type: 'cancel' }>): Promise<void> {
  const controller = new AbortController();
  controllers.set(request.id, controller);
  try {
    if (request.type === 'warmup') {
      await loadModelPack(request.model, request.session);
      reply({ type: 'done', id: request.id });
      return;
    }
    // Settings were parsed where they entered (an HTTP body, a Redis record): this thread runs them as they are.
    const result = await colorizeWithSettings(request.image, request.settings, {
      session: request.session,
      signal: controller.signal,
      onProgress: (event) => reply({ type: 'progress', id: request.id, event }),
    });
    // Move whole-buffer images instead of copying them (a 100 MP PNG is ~100 MB); pooled slices are copied.
    const transfer = result.samples
      .map((s) => s.image)
      .filter((b) => b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer)
      .map((b) => b.buffer as ArrayBuffer);
    reply({ type: 'done', id: request.id, result }, transfer);
  } catch (error) {
    const info = isColorWizardError(error)
      ? { code: error.code, message: error.message, details: error.details }
      : { code: 'UNKNOWN', message: String((error as Error)?.stack ?? error), details: {} };
    reply({ type: 'error', id: request.id, error: info });
  } finally {
    controllers.delete(request.id);
  }
}
