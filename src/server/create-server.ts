import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { resolve } from 'node:path';
import { packageVersion } from '../packs/package-version.js';
import { clientErrorHandler, frameworkErrorHandler } from './framework-errors.js';
import { toHttpError } from './http-errors.js';
import { InternalError } from '../errors/index.js';
import { JobQueue } from './job-queue.js';
import { registerAuth } from './auth.js';
import type { Jobs, WebhookHook } from './jobs.js';
import { present } from './present-job.js';
import { DirectoryResultStore, MemoryResultStore } from './result-store.js';
import { registerJobRoutes } from './routes-jobs.js';
import { registerSystemRoutes } from './routes-system.js';
import { OPTIONS_LIMIT_BYTES } from './submission.js';
import type { ModelInfo, ServerContext, ServerDependencies } from './server-context.js';
import { WebhookSender } from './webhooks.js';
import { jobMemoryCap, ServerSettingsSchema, type ServerSettingsInput } from './settings.js';

export type CreateServerOptions = ServerDependencies & ServerSettingsInput;

declare module 'fastify' {
  interface FastifyInstance {
    /** The single-process job queue behind /v1/colorizations (for stats, tests and benchmarks); absent in Redis mode. */
    colorWizardJobs: JobQueue;
  }
}

/** How long /v1/models reuses a listing: packs change rarely, reading manifests per request is waste. */
const MODEL_LIST_TTL_MS = 10_000;
/** Webhook deliveries in flight on shutdown get this long, then are abandoned. */
const WEBHOOK_CLOSE_MS = 2_000;
/** Time in-flight responses get to flush on shutdown once every job has ended. */
const CLOSE_FLUSH_MS = 1_000;

/**
 * Builds the HTTP server (not yet listening). Closing it (`app.close()`, or SIGTERM in `serve`)
 * stops new work, cancels queued jobs, lets running ones finish within the grace time, then
 * cancels them and deletes every result.
 */
export async function createServer(options: CreateServerOptions): Promise<FastifyInstance> {
  const { colorize, jobs: remoteJobs, listModels, probe, warmup, close, adjustStrength, ...rest } = options;
  const settings = ServerSettingsSchema.parse(rest);

  const app = Fastify({
    logger: settings.logger,
    bodyLimit: settings.bodyLimit,
    // Slow uploads may not hold a connection forever.
    requestTimeout: settings.timeoutSeconds > 0 ? settings.timeoutSeconds * 1000 : 0,
    // During the shutdown grace, clients may still read state, events and samples of finishing
    // jobs; new work is refused by the job routes with our 503 body and Retry-After.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    frameworkErrors: frameworkErrorHandler(settings.cors),
    clientErrorHandler: clientErrorHandler(settings.cors),
  });

  const version = packageVersion();
  // Webhooks only where the operator allowed hosts (and then always signed: the schema asks for a secret).
  const sender =
    settings.webhookAllow.length > 0
      ? new WebhookSender(
          { allow: settings.webhookAllow, secret: settings.webhookSecret, timeoutMs: settings.webhookTimeoutSeconds * 1000, attempts: settings.webhookAttempts, backoffMs: settings.webhookBackoffMs },
          { log: app.log, version },
        )
      : undefined;
  const webhook: WebhookHook | undefined = sender && ((url, view) => sender.send(url, present(view)));

  let jobs: Jobs;
  if (remoteJobs !== undefined) {
    jobs = await remoteJobs(settings, app.log, { webhook });
  } else {
    if (colorize === undefined) throw new InternalError('createServer: pass colorize (jobs run here) or jobs (Redis mode)');
    const store = settings.resultsDir ? new DirectoryResultStore(resolve(settings.resultsDir)) : new MemoryResultStore();
    const local = new JobQueue({
      colorize,
      store,
      concurrency: settings.concurrency,
      queueSize: settings.queue,
      resultsTtlMs: settings.resultsTtlSeconds * 1000,
      resultsMaxBytes: settings.resultsMaxBytes,
      timeoutMs: settings.timeoutSeconds * 1000,
      onBackgroundError: (error, jobId) => app.log.error({ err: error, jobId }, 'job background error'),
      webhook,
    });
    app.decorate('colorWizardJobs', local);
    // Results of a server that died (kill -9) are never cleaned otherwise; this process owns none yet.
    const swept = await store.sweep({ ttlMs: settings.resultsTtlSeconds * 1000, owned: (id) => local.get(id) !== undefined });
    if (swept.length > 0) app.log.info({ removed: swept.length }, 'removed results left by an earlier server');
    jobs = local;
  }

  let cached: { at: number; models: Promise<ModelInfo[]> } | undefined;
  const cachedModels = (): Promise<ModelInfo[]> => {
    if (!listModels) return Promise.resolve([]);
    if (!cached || Date.now() - cached.at > MODEL_LIST_TTL_MS) {
      const models = listModels();
      cached = { at: Date.now(), models };
      models.catch(() => (cached = undefined)); // a failed listing is retried next time
    }
    return cached.models;
  };

  const ctx: ServerContext = {
    settings,
    jobs,
    listModels: cachedModels,
    adjustStrength,
    checks: {
      maxPixels: settings.maxPixels,
      caps: { maxDecodePixels: settings.maxDecodePixels, maxSamplePixels: settings.maxSamplePixels, maxJobMemory: jobMemoryCap(settings) },
      probe,
      webhookAllow: settings.webhookAllow,
      defaultModel: settings.model,
      models: async () => {
        const map = new Map<string, string>((await cachedModels()).map((m) => [m.name, m.path ?? m.name]));
        if (settings.model !== undefined && !map.has(settings.model)) map.set(settings.model, settings.model);
        return map;
      },
    },
    readiness: { warmedUp: warmup === undefined, warmupError: null },
    version,
    startedAt: Date.now(),
  };
  if (warmup) {
    warmup().then(
      () => (ctx.readiness.warmedUp = true),
      (error: unknown) => {
        ctx.readiness.warmupError = error instanceof Error ? error.message : String(error);
        app.log.error({ err: error }, 'warm-up failed');
      },
    );
  }

  if (settings.cors !== false) {
    await app.register(cors, {
      origin: settings.cors,
      methods: ['GET', 'POST', 'DELETE'],
      exposedHeaders: ['location', 'retry-after', 'content-disposition', 'www-authenticate', 'x-color-wizard-seed', 'x-color-wizard-model', 'x-color-wizard-steps'],
    });
  }
  await app.register(multipart, {
    limits: { fileSize: settings.bodyLimit, files: 2, fields: 4, parts: 6, fieldSize: OPTIONS_LIMIT_BYTES },
  });
  // Raw image bodies (curl --data-binary @photo.jpg); the format itself is checked by its bytes.
  // Fastify parses text/plain by default; here it is no image format, so it gets 415 like any other.
  app.removeContentTypeParser('text/plain');
  const passBuffer = (_request: unknown, body: Buffer | string, done: (error: null, body: Buffer | string) => void) => done(null, body);
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: settings.bodyLimit }, passBuffer);
  app.addContentTypeParser(/^image\/[\w.+-]+$/, { parseAs: 'buffer', bodyLimit: settings.bodyLimit }, passBuffer);

  app.setErrorHandler((error, request, reply) => {
    const httpError = toHttpError(error);
    if (httpError.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    void reply.code(httpError.statusCode).headers(httpError.headers).send({ error: httpError.info() });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}` } });
  });

  // Before the routes, so every route below is behind it.
  if (settings.token !== undefined) registerAuth(app, settings.token);
  registerJobRoutes(app, ctx);
  registerSystemRoutes(app, ctx);

  app.addHook('preClose', async () => {
    await jobs.shutdown(settings.shutdownGraceSeconds * 1000);
    // Final states of the jobs that just ended (cancelled by the shutdown) get a moment to go out.
    await sender?.close(WEBHOOK_CLOSE_MS);
    await close?.();
    // Every job has ended, so responses are finishing. Sockets a client opened but never used
    // would still hold server.close() until the client drops them: cut everything after a moment.
    if (app.server.listening) setTimeout(() => app.server.closeAllConnections(), CLOSE_FLUSH_MS).unref();
  });
  return app;
}
