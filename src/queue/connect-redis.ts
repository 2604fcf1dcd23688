import { Redis, type RedisOptions } from 'ioredis';
import { QueueError } from '../errors/index.js';

/** Reconnects forever, at most every 2 s: a Redis restart must not need a worker restart. */
const retryStrategy = (times: number): number => Math.min(2_000, 100 * times);

/** redis://user:secret@host → redis://user:***@host, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

export type ConnectionKind =
  /** Commands that should fail fast while Redis is away (the API answers 503 instead of hanging). */
  | 'fail-fast'
  /** Commands that wait through an outage (workers), and BullMQ's blocking connections. */
  | 'patient';

/** A client of `url`; not connected yet (see connectRedis). */
export function redisClient(url: string, kind: ConnectionKind, onError: (error: Error) => void): Redis {
  const options: RedisOptions =
    kind === 'fail-fast'
      ? { lazyConnect: true, retryStrategy, enableOfflineQueue: false, maxRetriesPerRequest: 1 }
      : { lazyConnect: true, retryStrategy, maxRetriesPerRequest: null };
  const client = new Redis(url, options);
  // Without a listener ioredis prints every failed reconnect; callers log them once per outage.
  client.on('error', onError);
  return client;
}

/**
 * Connects and pings within `timeoutMs`, or throws a QueueError (exit code 9) that says which
 * Redis could not be reached and why: a role must not start half-working.
 */
export async function connectRedis(client: Redis, url: string, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  // ioredis rejects connect() with "Connection is closed"; the socket's own error says why.
  let socketError: Error | undefined;
  const onError = (error: Error) => (socketError ??= error);
  client.on('error', onError);
  try {
    await Promise.race([
      (async () => {
        if (client.status === 'wait') await client.connect();
        await client.ping();
      })(),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs))),
    ]);
  } catch (error) {
    client.disconnect();
    const reason = socketError?.message ?? (error as Error)?.message ?? String(error);
    throw new QueueError(`cannot reach Redis at ${redactUrl(url)}: ${reason}`, { cause: error, details: { url: redactUrl(url) } });
  } finally {
    clearTimeout(timer);
    client.off('error', onError);
  }
}
