import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CancelledError, InternalError } from '../errors/index.js';
import { PACKAGE_ROOT } from '../packs/package-root.js';
import { errorFromPipeline } from '../pipeline/index.js';
import type { ColorizeOptions, ColorizeResult } from '../pipeline/types.js';
import type { ColorizeWorkers, WorkerReply, WorkerRequest, WorkerRunOptions } from './colorize-workers.js';

export interface ThreadWorkersOptions {
  /** Worker threads, i.e. runs at the same time. */
  size: number;
  /** ONNX Runtime settings of every worker's sessions. */
  session?: ColorizeOptions['session'];
}

interface Pending {
  resolve: (value: ColorizeResult | undefined) => void;
  reject: (error: unknown) => void;
  onProgress?: ColorizeOptions['onProgress'];
}

interface Slot {
  worker: Worker;
  /** The request it runs (0: reserved for one about to start), or null when idle. */
  busy: number | null;
}

/** The compiled entry; tests that run from src/ use the built one (`npm test` builds first). */
function entryPath(): string {
  const sibling = fileURLToPath(new URL('./colorize-thread.js', import.meta.url));
  return existsSync(sibling) ? sibling : join(PACKAGE_ROOT, 'dist', 'workers', 'colorize-thread.js');
}

/**
 * ColorizeWorkers on worker threads: each thread has its own event loop, heap and ONNX sessions,
 * so the caller's loop (HTTP, SSE, health) stays free while a 100 MP photo is converted pixel by
 * pixel. Results come back by transfer, not copy. A thread that dies fails its run and is replaced.
 */
export class ThreadWorkers implements ColorizeWorkers {
  readonly size: number;
  readonly #session: ThreadWorkersOptions['session'];
  readonly #slots: Slot[] = [];
  readonly #pending = new Map<number, Pending>();
  readonly #waiting: Array<() => void> = [];
  #nextId = 1;
  #closed = false;

  constructor(options: ThreadWorkersOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new InternalError(`ThreadWorkers: size must be a positive integer, got ${options.size}`);
    this.size = options.size;
    this.#session = options.session;
  }

  async warmup(model?: string): Promise<void> {
    while (this.#slots.length < this.size) this.#spawn();
    await Promise.all(this.#slots.map((slot) => this.#request(slot, (id) => ({ type: 'warmup', id, model, session: this.#session }), undefined, false)));
  }

  async run(image: Buffer, options: WorkerRunOptions): Promise<ColorizeResult> {
    const { signal, onProgress, ...settings } = options;
    if (signal?.aborted) throw new CancelledError('The colorization was cancelled before it started.');
    const slot = await this.#acquire(signal);
    const result = await this.#request(slot, (id) => ({ type: 'run', id, image, settings, session: this.#session }), { signal, onProgress }, true);
    const done = result!;
    // Structured clone delivers Uint8Array; callers get Buffers as from colorize().
    for (const sample of done.samples) sample.image = Buffer.from(sample.image.buffer, sample.image.byteOffset, sample.image.byteLength);
    return done;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const wake of this.#waiting.splice(0)) wake();
    const slots = this.#slots.splice(0);
    for (const pending of this.#pending.values()) pending.reject(new CancelledError('The colorization was cancelled: the workers are closing.'));
    this.#pending.clear();
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  #spawn(): Slot {
    const worker = new Worker(entryPath());
    const slot: Slot = { worker, busy: null };
    worker.on('message', (message: WorkerReply) => this.#onReply(message));
    const onDeath = (reason: string) => {
      const at = this.#slots.indexOf(slot);
      if (at < 0) return; // closed, or already handled
      this.#slots.splice(at, 1);
      if (slot.busy !== null) {
        this.#pending.get(slot.busy)?.reject(new InternalError(`the colorization worker stopped (${reason})`));
        this.#pending.delete(slot.busy);
      }
      if (!this.#closed) this.#release();
    };
    worker.on('error', (error) => onDeath(error.message));
    worker.on('exit', (code) => onDeath(`exit code ${code}`));
    // Idle threads must not keep the process alive.
    worker.unref();
    this.#slots.push(slot);
    return slot;
  }

  /** A free worker (spawned on demand up to `size`), in call order. */
  async #acquire(signal: AbortSignal | undefined): Promise<Slot> {
    for (;;) {
      if (this.#closed) throw new CancelledError('The colorization was cancelled: the workers are closing.');
      // Reserved at once (busy 0), so two callers never share a worker.
      const slot = this.#slots.find((s) => s.busy === null) ?? (this.#slots.length < this.size ? this.#spawn() : undefined);
      if (slot) {
        slot.busy = 0;
        return slot;
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
      if (signal?.aborted) throw new CancelledError('The colorization was cancelled before it started.');
    }
  }

  #release(): void {
    this.#waiting.shift()?.();
  }

  #request(slot: Slot, build: (id: number) => WorkerRequest, hooks: { signal?: AbortSignal; onProgress?: ColorizeOptions['onProgress'] } | undefined, hold: boolean): Promise<ColorizeResult | undefined> {
    const id = this.#nextId++;
    if (hold) slot.busy = id;
    const onAbort = () => slot.worker.postMessage({ type: 'cancel', id } satisfies WorkerRequest);
    hooks?.signal?.addEventListener('abort', onAbort, { once: true });
    slot.worker.ref(); // a run in progress keeps the process alive, as colorize() would
    return new Promise<ColorizeResult | undefined>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onProgress: hooks?.onProgress });
      slot.worker.postMessage(build(id));
    }).finally(() => {
      hooks?.signal?.removeEventListener('abort', onAbort);
      if (slot.busy === id) slot.busy = null;
      if (slot.busy === null) slot.worker.unref();
      if (hold) this.#release();
    });
  }

  #onReply(message: WorkerReply): void {
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    if (message.type === 'progress') {
      try {
        pending.onProgress?.(message.event);
      } catch {
        // A failing progress callback must not break the run it reports on.
      }
      return;
    }
    this.#pending.delete(message.id);
    if (message.type === 'done') pending.resolve(message.result);
    else if (message.error.code === 'UNKNOWN') pending.reject(new Error(message.error.message));
    else pending.reject(errorFromPipeline({ code: message.error.code, message: message.error.message, details: message.error.details } as never));
  }
}
