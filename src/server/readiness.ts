import { HttpError } from './http-errors.js';
import type { ServerContext } from './server-context.js';

/** Why the server takes no work now (shown by /readyz), or undefined when it does. */
export function unreadyReason(ctx: Pick<ServerContext, 'jobs' | 'readiness'>): string | undefined {
  if (ctx.jobs.closing) return 'shutting down';
  const unavailable = ctx.jobs.unavailable?.();
  if (unavailable !== undefined) return unavailable;
  if (ctx.readiness.warmupError !== null) return `warm-up failed: ${ctx.readiness.warmupError}`;
  if (!ctx.readiness.warmedUp) return 'warming up';
  return undefined;
}

/** Seconds to wait while warming up; a failed warm-up needs an operator, so ask for a long wait. */
const WARMING_RETRY_S = 2;
const BROKEN_RETRY_S = 60;

/** The 503 a POST gets while the server is not ready (a broken default pack would fail every job). */
export function notReadyError(ctx: Pick<ServerContext, 'readiness'>, reason: string): HttpError {
  const retryAfter = ctx.readiness.warmupError !== null ? BROKEN_RETRY_S : WARMING_RETRY_S;
  return new HttpError(503, 'NOT_READY', `the server is not ready (${reason}); retry after ${retryAfter} s`, { reason }, { 'retry-after': String(retryAfter) });
}
