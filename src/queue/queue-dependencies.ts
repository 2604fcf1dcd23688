import { OptionsError } from '../errors/index.js';
import { catalogDependencies } from '../server/library.js';
import type { ServerDependencies } from '../server/server-context.js';
import { parseSettings, QueueSettingsSchema, type QueueSettingsInput } from './queue-settings.js';
import { RedisJobs } from './redis-jobs.js';
import { SharedFolderStore } from './shared-folder-store.js';

/**
 * The API role (`serve --redis`): jobs go to the queue, no model is loaded here. Packs are
 * still listed (manifests only), so clients can only name packs the workers have too.
 */
export async function queueDependencies(input: Omit<QueueSettingsInput, 'resultsDir'> & { resultsDir?: string; model?: string }): Promise<ServerDependencies> {
  const { model, ...queueInput } = input;
  if (!queueInput.resultsDir) throw new OptionsError('--redis needs --results-dir: a folder every API and worker machine reaches (inputs and results are kept there, not in Redis)');
  const settings = parseSettings(QueueSettingsSchema, { ...queueInput, resultsDir: queueInput.resultsDir }, 'Redis settings');
  const store = new SharedFolderStore(settings.resultsDir);
  await store.open();
  return {
    ...(await catalogDependencies(model)),
    jobs: (server, log, hooks) =>
      RedisJobs.connect({
        webhook: hooks.webhook,
        ...settings,
        store,
        queueSize: server.queue,
        resultsTtlMs: server.resultsTtlSeconds * 1000,
        resultsMaxBytes: server.resultsMaxBytes,
        timeoutMs: server.timeoutSeconds * 1000,
        log,
      }),
  };
}
