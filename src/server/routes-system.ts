import type { FastifyInstance } from 'fastify';
import { buildOpenApi } from './openapi.js';
import { unreadyReason } from './readiness.js';
import type { ServerContext } from './server-context.js';
import { WEB_PAGE_HTML } from './web-page.js';

/** Models, health, readiness, the OpenAPI document and the web page. */
export function registerSystemRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { jobs } = ctx;

  app.get('/v1/models', async () => {
    const models = await ctx.listModels();
    const defaultName = findDefaultName(models, ctx.settings.model);
    return {
      default: defaultName,
      // The folder stays private: it says nothing a client can use and shows the server's layout.
      models: models.map(({ path: _path, isDefault: _isDefault, ...rest }) => ({ ...rest, name: rest.name, default: rest.name === defaultName })),
    };
  });

  app.get('/healthz', async () => ({
    status: 'ok' as const,
    version: ctx.version,
    uptimeSeconds: Math.round((Date.now() - ctx.startedAt) / 1000),
    jobs: jobs.stats(),
  }));

  app.get('/readyz', async (_request, reply) => {
    const reason = unreadyReason(ctx) ?? (!jobs.hasRoom() ? 'queue full' : undefined);
    if (reason === undefined) return { ready: true };
    return reply.code(503).header('retry-after', String(jobs.retryAfterSeconds())).send({ ready: false, reason });
  });

  let openApi: string | undefined;
  app.get('/openapi.json', async (_request, reply) => {
    openApi ??= JSON.stringify(buildOpenApi(ctx.version, { auth: ctx.settings.token !== undefined, webhooks: ctx.settings.webhookAllow.length > 0 }));
    return reply.type('application/json; charset=utf-8').send(openApi);
  });

  app.get('/', async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      // Inline script and style only, talking to this origin only.
      .header('content-security-policy', "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' blob: data:; connect-src 'self'; form-action 'none'; base-uri 'none'")
      .header('x-content-type-options', 'nosniff')
      .send(WEB_PAGE_HTML),
  );
}

function findDefaultName(models: ReadonlyArray<{ name: string; path?: string; isDefault?: unknown }>, configured: string | undefined): string | null {
  // Without --model the library's own default applies; the listing flags it.
  if (configured === undefined) return models.find((m) => m.isDefault === true)?.name ?? null;
  return models.find((m) => m.name === configured || m.path === configured)?.name ?? null;
}
