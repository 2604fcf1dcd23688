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
  /** Listen beyond loopback without a token (a proxy in front authenticates clients). */
  insecureNoAuth?: boolean;
}

/** Addresses only this machine reaches: a server there may run without a token. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
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
  const { port, host, redis, queueName, insecureNoAuth, ...rest } = options;
  const checked = ServerSettingsSchema.safeParse(rest);
  if (!checked.success) {
    throw new OptionsError(`invalid server settings: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, {
      details: { issues: checked.error.issues },
    });
  }
  // Anyone who reaches an open server can queue work on its CPUs and read every job: beyond this
  // machine, only with a token, or when the operator says a proxy in front authenticates.
  if (!isLoopback(host) && checked.data.token === undefined && insecureNoAuth !== true) {
    throw new OptionsError(
      `--host ${host} listens beyond this machine, so the server needs a token: set COLOR_WIZARD_TOKEN (or --token), or pass --insecure-no-auth if a proxy in front of it authenticates clients`,
      { details: { host } },
    );
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
