import { isAbsolute, resolve } from 'node:path';
import type { ServerDependencies } from './server-context.js';

/**
 * The real library behind the server, imported lazily so `color-wizard serve --help` and the
 * server's own tests never load ONNX Runtime or sharp.
 */
export async function libraryDependencies(options: { model?: string; concurrency?: number } = {}): Promise<ServerDependencies> {
  const [{ ThreadWorkers }, { adjustStrength }, catalog] = await Promise.all([
    import('../workers/index.js'),
    import('../pipeline/index.js'),
    catalogDependencies(options.model),
  ]);
  // Colorizations run on worker threads, one per concurrent job: health, status, SSE and downloads
  // keep answering while a 100 MP photo is converted (Redis-mode queue workers reuse ColorizeWorkers).
  const workers = new ThreadWorkers({ size: options.concurrency ?? 1 });
  return {
    ...catalog,
    adjustStrength,
    colorize: (input, colorizeOptions) => {
      if (!Buffer.isBuffer(input)) return Promise.reject(new TypeError('the server passes images as Buffers'));
      return workers.run(input, colorizeOptions);
    },
    // Every worker loads the default pack: /readyz turns 200, and POST is taken, once they all have.
    warmup: () => workers.warmup(options.model),
    close: () => workers.close(),
  };
}

/** Pack listing and the header-only image probe: what the API needs without running the model (Redis mode too). */
export async function catalogDependencies(model?: string): Promise<Pick<ServerDependencies, 'listModels' | 'probe'>> {
  const [{ listModelPacks }, { probeImage }] = await Promise.all([import('../packs/index.js'), import('../image/index.js')]);
  // A --model folder outside models/ is listed too, so clients can name it.
  const looksLikePath = model !== undefined && (isAbsolute(model) || model.includes('/') || model.startsWith('.'));
  const extraDirs = looksLikePath ? [resolve(model!)] : [];
  return {
    listModels: async () => (await listModelPacks(extraDirs)).map((info) => ({ ...info })),
    probe: (buffer, limits) => probeImage(buffer, limits),
  };
}
