import type { Command } from 'commander';
import { integer, seconds } from './serve-command.js';

interface WorkerFlags {
  redis: string;
  resultsDir: string;
  queueName?: string;
  concurrency: number;
  model?: string;
  lockTimeout: number;
  maxRetries: number;
  shutdownGrace: number;
  quiet?: boolean;
}

/** `color-wizard worker`: the other role of Redis mode (src/queue); any number, on any machines. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run colorizations from the Redis job queue that `color-wizard serve --redis` fills, until SIGTERM')
    .requiredOption('--redis <url>', 'the Redis the API role uses, e.g. redis://10.0.0.5:6379')
    .requiredOption('--results-dir <dir>', 'the shared folder the API role uses (inputs and results)')
    .option('--queue-name <name>', 'the queue to take jobs from (default colorize)')
    .option('--concurrency <n>', 'jobs run at the same time (one worker thread each)', integer(1), 1)
    .option('--model <path|name>', 'pack every thread loads before taking jobs (jobs may name other packs)')
    .option('--lock-timeout <seconds>', "a job whose worker is silent this long (killed, machine gone) goes to another worker", seconds, 30)
    .option('--max-retries <n>', 'times a job whose worker died is run again before it fails (WORKER_LOST)', integer(0), 1)
    .option('--shutdown-grace <seconds>', 'on SIGTERM, time running jobs get to finish before they go back to the queue', seconds, 10)
    .option('--quiet', 'no log lines')
    .action(async (flags: WorkerFlags) => {
      const [{ runWorker }, { redactUrl }] = await Promise.all([import('../queue/run-worker.js'), import('../queue/connect-redis.js')]);
      await runWorker(
        {
          redisUrl: flags.redis,
          resultsDir: flags.resultsDir,
          queueName: flags.queueName,
          concurrency: flags.concurrency,
          model: flags.model,
          lockTimeoutSeconds: flags.lockTimeout,
          maxRetries: flags.maxRetries,
          shutdownGraceSeconds: flags.shutdownGrace,
          logger: !flags.quiet,
        },
        { onReady: (worker) => process.stderr.write(`color-wizard: worker ${worker.name} taking jobs from ${redactUrl(flags.redis)}\n`) },
      );
    });
}
