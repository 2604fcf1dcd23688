import { createHmac, randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { JobBody } from './api-schemas.js';
import { WebhookUrlSchema } from './api-schemas.js';
import { HttpError } from './http-errors.js';

/**
 * Webhooks: when a job that named one ends, its final state (the Job JSON a GET returns) is POSTed
 * there, signed, retried with backoff. Only hosts the operator allowed are ever contacted, checked when
 * the job is submitted and again before each delivery, and redirects are not followed: clients cannot
 * use the server as a relay to other hosts.
 */

export interface WebhookSettings {
  /** Hosts that may receive webhooks: "host", "host:port" or "*.domain"; empty = webhooks off. */
  allow: readonly string[];
  /** HMAC-SHA256 key of the signature header. */
  secret?: string;
  /** One delivery attempt's time limit. */
  timeoutMs: number;
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait before the first retry; doubles each time (with ±20% jitter so many jobs do not retry in step). */
  backoffMs: number;
}

/** Longest wait a receiver's Retry-After can ask for between attempts. */
const MAX_RETRY_AFTER_MS = 60_000;

export const SIGNATURE_HEADER = 'x-color-wizard-signature';
export const TIMESTAMP_HEADER = 'x-color-wizard-timestamp';

/** The signature receivers recompute: hex HMAC-SHA256 of `${timestamp}.${body}` with the shared secret. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Whether `url`'s host is one of `allow`'s: a name without port allows every port of that host. */
export function hostAllowed(url: URL, allow: readonly string[]): boolean {
  const host = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allow.some((entry) => {
    const at = entry.lastIndexOf(':');
    const [name, entryPort] = at > 0 && !entry.endsWith(']') ? [entry.slice(0, at), entry.slice(at + 1)] : [entry, undefined];
    if (entryPort !== undefined && entryPort !== port) return false;
    return name.startsWith('*.') ? host.endsWith(name.slice(1)) && host.length > name.length - 1 : host === name;
  });
}

/** A client's webhook URL, checked at submission: 400 WEBHOOK_NOT_ALLOWED (or BAD_REQUEST) before any work is queued. */
export function checkWebhookUrl(value: unknown, settings: Pick<WebhookSettings, 'allow'>): string | undefined {
  if (value === undefined) return undefined;
  const parsed = WebhookUrlSchema.safeParse(value);
  const bad = (message: string) => new HttpError(400, 'BAD_REQUEST', `webhook: ${message}`, { issues: [{ path: ['webhook'], message }] });
  if (!parsed.success) throw bad(parsed.error.issues[0]?.message ?? 'not a URL');
  let url: URL;
  try {
    url = new URL(parsed.data);
  } catch {
    throw bad(`"${parsed.data.slice(0, 100)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad('only http and https URLs');
  // The signature authenticates the server to the receiver; credentials in the URL would also be logged.
  if (url.username !== '' || url.password !== '') throw bad('no user:password in the URL (verify the signature header instead)');
  if (settings.allow.length === 0) {
    throw new HttpError(400, 'WEBHOOK_NOT_ALLOWED', 'this server sends no webhooks: its operator allowed no receiving host (color-wizard serve --webhook-allow)', { host: url.host });
  }
  if (!hostAllowed(url, settings.allow)) {
    throw new HttpError(400, 'WEBHOOK_NOT_ALLOWED', `webhook host "${url.host}" is not one this server may call (its operator allows them with --webhook-allow)`, { host: url.host });
  }
  return url.href;
}

type Fetch = typeof fetch;

/** Delivers webhooks in the background; `close` waits a little for deliveries in flight. */
export class WebhookSender {
  readonly #settings: WebhookSettings;
  readonly #log: FastifyBaseLogger | undefined;
  readonly #fetch: Fetch;
  readonly #userAgent: string;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #closing = new AbortController();

  constructor(settings: WebhookSettings, options: { log?: FastifyBaseLogger; version: string; fetch?: Fetch }) {
    this.#settings = settings;
    this.#log = options.log;
    this.#fetch = options.fetch ?? fetch;
    this.#userAgent = `color-wizard/${options.version}`;
  }

  /** Sends the final state of a job (never throws; failures are logged). */
  send(url: string, job: JobBody): void {
    const delivery = this.#deliver(url, job).catch((error: unknown) => this.#log?.error({ err: error, jobId: job.id }, 'webhook failed'));
    this.#inFlight.add(delivery);
    void delivery.finally(() => this.#inFlight.delete(delivery));
  }

  /** Resolves once every delivery has ended, or after `graceMs`, when the rest are abandoned. */
  async close(graceMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.#inFlight]), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    this.#closing.abort();
  }

  async #deliver(url: string, job: JobBody): Promise<void> {
    const target = new URL(url);
    // Checked again here: a Redis-mode job may have been accepted by an API process allowing more hosts.
    if (!hostAllowed(target, this.#settings.allow)) {
      this.#log?.warn({ jobId: job.id, host: target.host }, 'webhook host not allowed here: not sent');
      return;
    }
    const body = JSON.stringify(job);
    const delivery = randomUUID(); // the same for every attempt, so receivers can drop repeats
    for (let attempt = 1; attempt <= this.#settings.attempts; attempt++) {
      if (this.#closing.signal.aborted) return;
      const timestamp = Math.floor(Date.now() / 1000);
      let retryAfterMs: number | undefined;
      let reason: string;
      try {
        const response = await this.#fetch(target, {
          method: 'POST',
          body,
          redirect: 'manual',
          signal: AbortSignal.any([AbortSignal.timeout(this.#settings.timeoutMs), this.#closing.signal]),
          headers: {
            'content-type': 'application/json',
            'user-agent': this.#userAgent,
            'x-color-wizard-event': job.state,
            'x-color-wizard-delivery': delivery,
            'x-color-wizard-attempt': String(attempt),
            [TIMESTAMP_HEADER]: String(timestamp),
            ...(this.#settings.secret === undefined ? {} : { [SIGNATURE_HEADER]: signWebhook(this.#settings.secret, timestamp, body) }),
          },
        });
        await response.body?.cancel().catch(() => undefined);
        if (response.status >= 200 && response.status < 300) {
          this.#log?.info({ jobId: job.id, status: response.status, attempt }, 'webhook delivered');
          return;
        }
        reason = `HTTP ${response.status}`;
        // Other 4xx mean the receiver refuses this delivery: asking again would not change its mind.
        const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
        if (!retryable) {
          this.#log?.warn({ jobId: job.id, status: response.status }, 'webhook refused by the receiver: not retried');
          return;
        }
        const seconds = Number(response.headers.get('retry-after'));
        if (Number.isFinite(seconds) && seconds >= 0) retryAfterMs = Math.min(MAX_RETRY_AFTER_MS, seconds * 1000);
      } catch (error) {
        if (this.#closing.signal.aborted) return;
        reason = (error as Error).name === 'TimeoutError' ? `no answer within ${this.#settings.timeoutMs} ms` : (error as Error).message;
      }
      if (attempt === this.#settings.attempts) {
        this.#log?.warn({ jobId: job.id, attempts: attempt, reason }, 'webhook given up');
        return;
      }
      const backoff = this.#settings.backoffMs * 2 ** (attempt - 1) * (0.8 + 0.4 * Math.random());
      await sleep(retryAfterMs ?? backoff, this.#closing.signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
