import { isAbsolute, resolve } from 'node:path';
import type { ServerDependencies } from './server-context.js';

/**
 * The real library behind the server, imported lazily so `color-wizard serve --help` and the
 * server's own tests never load ONNX Runtime or sharp.
 */
export async function libraryDependencies(options: { model?: string } = {}): Promise<ServerDependencies> {
  const [{ colorize, adjustStrength }, { listModelPacks, loadModelPack }, { probeImage }] = await Promise.all([
    import('../pipeline/index.js'),
    import('../packs/index.js'),
    import('../image/index.js'),
  ]);
  // A --model folder outside models/ is listed too, so clients can name it.
  const looksLikePath = options.model !== undefined && (isAbsolute(options.model) || options.model.includes('/') || options.model.startsWith('.'));
  const extraDirs = looksLikePath ? [resolve(options.model!)] : [];
  return {
    colorize,
    listModels: async () => (await listModelPacks(extraDirs)).map((info) => ({ ...info })),
    probe: (buffer, limits) => probeImage(buffer, limits),
    adjustStrength,
    warmup: async () => {
      await loadModelPack(options.model);
    },
  };
}
