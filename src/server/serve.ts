import type { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { OptionsError } from '../errors/index.js';
import { createServer } from './create-server.js';
import type { ServerDependencies } from './server-context.js';
import { ServerSettingsSchema, type ServerSettingsInput } from './settings.js';

export interface ServeOptions extends ServerSettingsInput {
  port: number;
  host: string;
  /** Redis mode: the API role only; jobs go to this Redis for `color-wizard worker` processes. */
  redis?: string;
  /** Redis mode: the queue's name (several deployments can share one Redis). */
  queueName?: string;
}

export interface ServeHooks {
  /** The real library by default; tests pass a fake. */
  dependencies?: ServerDependencies;
  /** Where SIGTERM/SIGINT come from (the process by default). */
  signals?: EventEmitter;
  onListening?: (url: string, app: FastifyInstance) => void;
}

/**
 * `color-wizard serve`: listens until SIGTERM or SIGINT, then shuts down gracefully (stop
 * accepting, cancel queued jobs, let running ones finish within the grace time) and resolves.
 */
export async function serve(options: ServeOptions, hooks: ServeHooks = {}): Promise<void> {
  const { port, host, redis, queueName, ...rest } = options;
  const checked = ServerSettingsSchema.safeParse(rest);
  if (!checked.success) {
    throw new OptionsError(`invalid server settings: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, {
      details: { issues: checked.error.issues },
    });
  }
  const dependencies =
    hooks.dependencies ??
    (redis === undefined
      ? await (await import('./library.js')).libraryDependencies({ model: rest.model, concurrency: checked.data.concurrency })
      : await (await import('../queue/queue-dependencies.js')).queueDependencies({ redisUrl: redis, queueName, resultsDir: rest.resultsDir, model: rest.model }));
  const app = await createServer({ ...dependencies, ...rest });
  const url = await app.listen({ port, host });
  hooks.onListening?.(url, app);

  const signals = hooks.signals ?? process;
  let onTerm = () => {};
  let onInt = () => {};
  try {
    await new Promise<void>((resolve, reject) => {
      const onSignal = (signal: string) => {
        signals.off('SIGTERM', onTerm);
        signals.off('SIGINT', onInt);
        app.log.info({ signal }, 'shutting down');
        app.close().then(resolve, reject);
      };
      onTerm = () => onSignal('SIGTERM');
      onInt = () => onSignal('SIGINT');
      signals.once('SIGTERM', onTerm);
      signals.once('SIGINT', onInt);
    });
  } finally {
    signals.off('SIGTERM', onTerm);
    signals.off('SIGINT', onInt);
  }
}
