import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, notFound, STATUS_BY_CODE } from './http-errors.js';
import { notReadyError, unreadyReason } from './readiness.js';
import type { JobEventRecord, JobView } from './job-queue.js';
import type { JobHandle } from './jobs.js';
import { JOB_ID_PATTERN } from './result-store.js';
import type { ServerContext } from './server-context.js';
import { OUTPUT_MEDIA_TYPES } from './sniff-image.js';
import { ListQuerySchema, type ListQuery } from './api-schemas.js';
import { present } from './present-job.js';
import { checkSubmission, readRawSubmission } from './submission.js';

const SSE_HEARTBEAT_MS = 15_000;

/** `?strength=` of a sample: a number 0..2 relative to the sample as made (1 = as is). */
function parseStrength(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value) || value < 0 || value > 2) {
    throw new HttpError(400, 'OPTIONS', `strength must be a number from 0 to 2, got "${text.slice(0, 20)}"`, { issues: [{ path: ['strength'], message: 'from 0 to 2' }] });
  }
  return value;
}

export function registerJobRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { jobs, settings } = ctx;

  const findJob = (id: string): JobHandle => {
    const job = JOB_ID_PATTERN.test(id) ? jobs.get(id) : undefined;
    if (!job) throw notFound(`colorization "${id.slice(0, 40)}"`);
    return job;
  };

  // Refuse before a large body is read when no job could be taken anyway.
  const refuseWhenFull = async (_request: FastifyRequest, reply: FastifyReply) => {
    const unready = jobs.closing ? undefined : unreadyReason(ctx);
    if (jobs.hasRoom() && unready === undefined) return;
    const error = jobs.closing
      ? new HttpError(503, 'SHUTTING_DOWN', 'the server is shutting down', undefined, { 'retry-after': '30' })
      : unready !== undefined
        ? notReadyError(ctx, unready)
        : new HttpError(503, 'QUEUE_FULL', 'the queue is full; retry later', { retryAfterSeconds: jobs.retryAfterSeconds() }, { 'retry-after': String(jobs.retryAfterSeconds()) });
    // Close the connection: the unread body would otherwise be parsed as the next request.
    reply.header('connection', 'close');
    throw error;
  };

  app.post('/v1/colorizations', { onRequest: refuseWhenFull }, async (request, reply) => {
    const submission = await checkSubmission(await readRawSubmission(request), ctx.checks);
    const job = await jobs.submit(submission.image, submission.options, submission.webhook === undefined ? {} : { webhook: submission.webhook });
    const body = present(jobs.view(job));
    return reply.code(202).header('location', body.links.self).send(body);
  });

  app.get('/v1/colorizations', async (request) => listJobs(jobs.list(), parseListQuery(request.query)));

  app.get<{ Params: { id: string } }>('/v1/colorizations/:id', async (request) => present(jobs.view(findJob(request.params.id))));

  app.delete<{ Params: { id: string } }>('/v1/colorizations/:id', async (request, reply) => {
    const job = findJob(request.params.id);
    if (job.terminal) {
      await jobs.remove(job);
      return reply.code(204).send();
    }
    jobs.cancel(job, 'client');
    // A running job stops before its next model call; wait that long rather than answer "maybe".
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([job.settled, new Promise((resolve) => (timer = setTimeout(resolve, settings.cancelWaitMs)))]);
    clearTimeout(timer);
    return reply.code(job.terminal ? 200 : 202).send(present(jobs.view(job)));
  });

  app.get<{ Params: { id: string; n: string }; Querystring: { strength?: string } }>('/v1/colorizations/:id/samples/:n', async (request, reply) => {
    const strength = parseStrength(request.query.strength);
    const job = findJob(request.params.id);
    const n = /^[1-9][0-9]{0,2}$/.test(request.params.n) ? Number(request.params.n) : NaN;
    const view = jobs.view(job);
    if (view.state !== 'done') {
      if (Number.isNaN(n)) throw notFound(`sample "${request.params.n.slice(0, 10)}"`);
      throw new HttpError(409, 'CONFLICT', `the job is ${view.state}; samples exist once it is done`, { state: view.state });
    }
    const sample = view.result?.samples.find((s) => s.index === n);
    const image = sample ? await jobs.readSample(job, n) : undefined;
    if (!sample || !image) throw notFound(`sample ${request.params.n.slice(0, 10)} (this job has ${view.result?.samples.length ?? 0})`);
    // Toned on the fly from the stored sample: no model run, the job's result stays as it was.
    const body = strength === undefined || strength === 1 || ctx.adjustStrength === undefined ? image : await ctx.adjustStrength(image, strength);
    const maxAge = Math.max(0, Math.floor(((job.expiresAt?.getTime() ?? Date.now()) - Date.now()) / 1000));
    return reply
      .header('content-type', OUTPUT_MEDIA_TYPES[sample.format])
      .header('cache-control', `private, max-age=${maxAge}`)
      .header('content-disposition', `inline; filename="colorized-${job.id}-${n}.${sample.format === 'jpeg' ? 'jpg' : sample.format}"`)
      .header('x-color-wizard-seed', String(sample.seed))
      .send(body);
  });

  app.get<{ Params: { id: string } }>('/v1/colorizations/:id/events', async (request, reply) => {
    const job = findJob(request.params.id);
    const stream = new PassThrough();
    const write = (record: JobEventRecord) => {
      const data = record.event === 'progress' ? record.data : present(record.data as JobView);
      stream.write(`id: ${record.seq}\nevent: ${record.event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    stream.write('retry: 2000\n\n');

    const lastEventId = Number(request.headers['last-event-id']);
    if (Number.isInteger(lastEventId) && lastEventId > 0) {
      for (const record of job.events) if (record.seq > lastEventId) write(record);
    } else if (job.terminal) {
      write(job.events[job.events.length - 1]!);
    } else {
      write({ seq: job.seq, event: 'state', data: jobs.view(job) });
    }
    if (job.terminal) {
      stream.end();
      return reply.headers(sseHeaders).send(stream);
    }

    const heartbeat = setInterval(() => stream.write(': keep-alive\n\n'), SSE_HEARTBEAT_MS);
    const stop = () => {
      clearInterval(heartbeat);
      unsubscribe();
      stream.end();
    };
    const unsubscribe = jobs.subscribe(job, (record) => {
      write(record);
      if (record.event !== 'state' && record.event !== 'progress') stop();
    });
    reply.raw.on('close', stop);
    return reply.headers(sseHeaders).send(stream);
  });

  app.post('/v1/colorize', { onRequest: refuseWhenFull }, async (request, reply) => {
    const arrived = Date.now();
    const submission = await checkSubmission(await readRawSubmission(request), {
      ...ctx.checks,
      webhooks: false,
      refine: (options) => {
        if (options.samples !== 1) {
          throw new HttpError(400, 'OPTIONS', 'POST /v1/colorize returns one sample; use POST /v1/colorizations for several', {
            issues: [{ code: 'too_big', path: ['samples'], message: 'must be 1 here', maximum: 1 }],
          });
        }
      },
    });
    const job = await jobs.submit(submission.image, submission.options, { retain: false });
    // The limit counts from arrival here: the caller waits through the queue too.
    const remaining = settings.timeoutSeconds > 0 ? settings.timeoutSeconds * 1000 - (Date.now() - arrived) : undefined;
    const deadline = remaining === undefined ? undefined : setTimeout(() => jobs.cancel(job, 'timeout'), Math.max(0, remaining));
    let clientGone = false;
    const onClose = () => {
      if (reply.raw.writableEnded) return;
      clientGone = true;
      jobs.cancel(job, 'client');
    };
    reply.raw.on('close', onClose);
    try {
      await job.settled;
    } finally {
      clearTimeout(deadline);
      reply.raw.off('close', onClose);
    }
    const view = jobs.view(job);
    const output = jobs.getResult(job);
    void jobs.remove(job);
    if (clientGone) {
      // Nobody is listening: end the socket, else it stays "busy" and delays a graceful close.
      reply.hijack();
      reply.raw.destroy();
      return reply;
    }
    const sample = output?.samples?.[0];
    if (view.state === 'done' && sample) {
      return reply
        .header('content-type', OUTPUT_MEDIA_TYPES[sample.format])
        .header('content-disposition', `inline; filename="colorized.${sample.format === 'jpeg' ? 'jpg' : sample.format}"`)
        .header('x-color-wizard-seed', String(sample.seed))
        .header('x-color-wizard-model', output.summary.model)
        .header('x-color-wizard-steps', String(output.summary.steps))
        .header('server-timing', `colorize;dur=${output.summary.timings.totalMs}`)
        .send(sample.image);
    }
    const error = view.error ?? { code: 'INTERNAL' as const, message: 'the job ended without a result' };
    if (view.state === 'cancelled' && jobs.closing) throw new HttpError(503, 'SHUTTING_DOWN', 'the server is shutting down', undefined, { 'retry-after': '30' });
    throw new HttpError(STATUS_BY_CODE[error.code] ?? 500, error.code, error.message, error.details);
  });
}

/** The list query, checked once: a bad limit, state or cursor is a 400 naming it. */
function parseListQuery(query: unknown): ListQuery {
  const parsed = ListQuerySchema.safeParse(query ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ ...issue, path: issue.path.map(String) }));
    const described = parsed.error.issues.map((i) => (i.code === 'unrecognized_keys' ? `unknown query parameter(s) ${i.keys.map((k) => `"${k}"`).join(', ')}; allowed: limit, cursor, state` : `${i.path.join('.')}: ${i.message}`));
    throw new HttpError(400, 'BAD_REQUEST', `invalid list query: ${described.join('; ')}`, { issues });
  }
  return parsed.data;
}

/** Where a page ends: the last job's creation time and id (ids break ties), opaque to clients. */
interface Cursor {
  createdAt: string;
  id: string;
}

function encodeCursor(view: JobView): string {
  return Buffer.from(JSON.stringify([view.createdAt, view.id])).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(createdAt)) && JOB_ID_PATTERN.test(id)) return { createdAt, id };
  } catch {
    // reported below
  }
  throw new HttpError(400, 'BAD_REQUEST', 'cursor: not one this server gave (pass the "next" of the previous page)', { issues: [{ path: ['cursor'], message: 'unknown cursor' }] });
}

/** Newest first (creation time, then id); a cursor resumes after the job it names, even if that job is gone. */
function listJobs(views: JobView[], query: ListQuery) {
  const states = query.state === undefined ? undefined : new Set(query.state.split(','));
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const newestFirst = (a: { createdAt: string; id: string }, b: { createdAt: string; id: string }) =>
    a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
  const page = views
    .filter((v) => (states === undefined || states.has(v.state)) && (after === undefined || newestFirst(v, after) > 0))
    .sort(newestFirst)
    .slice(0, query.limit + 1);
  const more = page.length > query.limit;
  const jobs = page.slice(0, query.limit);
  const next = more ? encodeCursor(jobs[jobs.length - 1]!) : null;
  const params = (cursor: string) => new URLSearchParams({ limit: String(query.limit), ...(query.state === undefined ? {} : { state: query.state }), cursor }).toString();
  return { jobs: jobs.map(present), next, links: { next: next === null ? null : `/v1/colorizations?${params(next)}` } };
}

const sseHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // Stops nginx-style proxies from buffering the stream.
  'x-accel-buffering': 'no',
};
