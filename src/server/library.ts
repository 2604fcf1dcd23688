import { isAbsolute, resolve } from 'node:path';
import type { ServerDependencies } from './server-context.js';

/**
 * The real library behind the server, imported lazily so `color-wizard serve --help` and the
 * server's own tests never load ONNX Runtime or sharp.
 */
export async function libraryDependencies(options: { model?: string; concurrency?: number } = {}): Promise<ServerDependencies> {
  const [{ ThreadWorkers }, { listModelPacks }, { probeImage }] = await Promise.all([
    import('../workers/index.js'),
    import('../packs/index.js'),
    import('../image/index.js'),
  ]);
  // Colorizations run on worker threads, one per concurrent job: health, status, SSE and downloads
  // keep answering while a 100 MP photo is converted (issue 12's queue workers reuse ColorizeWorkers).
  const workers = new ThreadWorkers({ size: options.concurrency ?? 1 });
  // A --model folder outside models/ is listed too, so clients can name it.
  const looksLikePath = options.model !== undefined && (isAbsolute(options.model) || options.model.includes('/') || options.model.startsWith('.'));
  const extraDirs = looksLikePath ? [resolve(options.model!)] : [];
  return {
    colorize: (input, colorizeOptions) => {
      if (!Buffer.isBuffer(input)) return Promise.reject(new TypeError('the server passes images as Buffers'));
      return workers.run(input, colorizeOptions);
    },
    listModels: async () => (await listModelPacks(extraDirs)).map((info) => ({ ...info })),
    probe: (buffer, limits) => probeImage(buffer, limits),
    // Every worker loads the default pack: /readyz turns 200, and POST is taken, once they all have.
    warmup: () => workers.warmup(options.model),
    close: () => workers.close(),
  };
}
