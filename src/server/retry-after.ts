/** Retry-After never says more than this (seconds), nor less than 1. */
export const MAX_RETRY_AFTER_S = 300;

/**
 * Seconds until the queue has drained, from measured run times only: the mean of finished runs,
 * or, before any has finished, the longest a running one has taken so far (a lower bound, where
 * a fixed guess said 85 s for a queue that drained in 3.5 s).
 */
export function estimateRetryAfter(queue: { meanRunMs: number | null; runningElapsedMs: readonly number[]; waiting: number; concurrency: number }): number {
  const perJob = queue.meanRunMs ?? Math.max(0, ...queue.runningElapsedMs);
  const runningLeft = queue.runningElapsedMs.reduce((sum, elapsed) => sum + Math.max(0, perJob - elapsed), 0);
  const drainMs = (runningLeft + perJob * queue.waiting) / queue.concurrency;
  return Math.min(MAX_RETRY_AFTER_S, Math.max(1, Math.ceil(drainMs / 1000)));
}
