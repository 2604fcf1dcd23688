import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseByteSize } from '../server/settings.js';

interface ServeFlags {
  port: number;
  host: string;
  concurrency: number;
  queue: number;
  resultsTtl: number;
  resultsDir?: string;
  bodyLimit: number;
  maxPixels?: number;
  maxDecodePixels?: number;
  maxSamplePixels?: number;
  maxJobMemory?: number;
  cors?: string[];
  model?: string;
  timeout: number;
  shutdownGrace: number;
  quiet?: boolean;
  redis?: string;
  queueName?: string;
  token?: string;
  insecureNoAuth?: boolean;
  webhookAllow?: string[];
  webhookSecret?: string;
}

export const integer = (min: number) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}, got "${value}"`);
  return n;
};

export const seconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected seconds ≥ 0, got "${value}"`);
  return n;
};

const size = (value: string): number => {
  try {
    return parseByteSize(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
};

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `color-wizard serve`: the HTTP API and web page (src/server). */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API (/v1, /openapi.json) and the web page (/) until SIGTERM')
    .option('--port <n>', 'TCP port (0 = any free one)', integer(0), 8080)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--concurrency <n>', 'jobs run at the same time', integer(1), 1)
    .option('--queue <n>', 'jobs waiting beyond the running ones (more get 503 + Retry-After)', integer(0), 16)
    .option('--results-ttl <seconds>', 'how long finished results are kept', seconds, 600)
    .option('--results-dir <dir>', 'keep results as files in this folder instead of memory')
    .option('--body-limit <size>', 'request body limit, e.g. 50mb', size, 50 * 1024 * 1024)
    .option('--max-pixels <n>', 'largest input in pixels (default 100000000)', integer(1))
    .option('--max-decode-pixels <n>', 'largest decodeMaxPixels a client may ask for (default 4194304)', integer(1))
    .option('--max-sample-pixels <n>', 'largest samples × pixels of one job (default 200000000)', integer(1))
    .option('--max-job-memory <size>', "largest estimated memory of one job, e.g. 8gb (default: half the machine's memory / concurrency)", size)
    .option('--cors <origin>', 'allow this origin (repeatable); CORS is off by default', collect)
    .option('--model <path|name>', 'default model pack')
    .option('--timeout <seconds>', 'per-job time limit (0 = none)', seconds, 300)
    .option('--shutdown-grace <seconds>', 'on SIGTERM, time running jobs get to finish before they are cancelled', seconds, 10)
    .option('--quiet', 'no request log')
    .option('--redis <url>', 'API role only: put jobs on this Redis for `color-wizard worker` processes (needs --results-dir on a shared folder)')
    .option('--queue-name <name>', 'with --redis: the queue to use (default colorize)')
    .addOption(new Option('--token <token>', 'require "Authorization: Bearer <token>" on /v1 (the web page signs in with it); prefer the env var, argv is visible to other users').env('COLOR_WIZARD_TOKEN'))
    .option('--insecure-no-auth', 'listen beyond loopback without a token (only behind a proxy that authenticates clients)')
    .option('--webhook-allow <host,…>', 'hosts job webhooks may be sent to: host, host:port or *.domain (repeatable); none = webhooks refused', (v: string, all: string[] = []) => [...all, ...v.split(',').map((h) => h.trim()).filter((h) => h !== '')])
    .addOption(new Option('--webhook-secret <secret>', 'HMAC-SHA256 key that signs every webhook (needed with --webhook-allow)').env('COLOR_WIZARD_WEBHOOK_SECRET'))
    .action(async (flags: ServeFlags) => {
      const { serve } = await import('../server/serve.js');
      await serve(
        {
          port: flags.port,
          host: flags.host,
          concurrency: flags.concurrency,
          queue: flags.queue,
          resultsTtlSeconds: flags.resultsTtl,
          resultsDir: flags.resultsDir,
          bodyLimit: flags.bodyLimit,
          maxPixels: flags.maxPixels,
          maxDecodePixels: flags.maxDecodePixels,
          maxSamplePixels: flags.maxSamplePixels,
          maxJobMemory: flags.maxJobMemory,
          cors: flags.cors === undefined ? false : flags.cors.length === 1 ? flags.cors[0]! : flags.cors,
          model: flags.model,
          timeoutSeconds: flags.timeout,
          shutdownGraceSeconds: flags.shutdownGrace,
          logger: !flags.quiet,
          ...(flags.token === undefined ? {} : { token: flags.token }),
          ...(flags.insecureNoAuth ? { insecureNoAuth: true } : {}),
          ...(flags.webhookAllow === undefined ? {} : { webhookAllow: flags.webhookAllow }),
          ...(flags.webhookSecret === undefined ? {} : { webhookSecret: flags.webhookSecret }),
          ...(flags.redis === undefined ? {} : { redis: flags.redis, queueName: flags.queueName }),
        },
        { onListening: (url) => process.stderr.write(`color-wizard: serving ${url} (web page at ${url}/, API docs at ${url}/openapi.json)\n`) },
      );
    });
}
