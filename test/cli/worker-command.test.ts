import { describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';

const { runWorker, serve } = vi.hoisted(() => ({
  runWorker: vi.fn(async (_settings: Record<string, unknown>) => {}),
  serve: vi.fn(async (_options: Record<string, unknown>) => {}),
}));
vi.mock('../../src/queue/run-worker.js', () => ({ runWorker }));
vi.mock('../../src/server/serve.js', () => ({ serve }));

describe('Redis-mode flags', () => {
  it('maps `worker` flags to worker settings, with the documented defaults', async () => {
    await buildProgram().parseAsync(['worker', '--redis', 'redis://10.0.0.5:6379', '--results-dir', '/shared/cw'], { from: 'user' });
    expect(runWorker.mock.calls[0]![0]).toEqual({
      redisUrl: 'redis://10.0.0.5:6379',
      resultsDir: '/shared/cw',
      queueName: undefined,
      concurrency: 1,
      model: undefined,
      lockTimeoutSeconds: 30,
      maxRetries: 1,
      shutdownGraceSeconds: 10,
      logger: true,
    });
    await buildProgram().parseAsync(['worker', '--redis', 'redis://r', '--results-dir', 'd', '--concurrency', '3', '--model', 'cw-tiny', '--lock-timeout', '5', '--max-retries', '0', '--queue-name', 'studio', '--quiet'], { from: 'user' });
    expect(runWorker.mock.calls[1]![0]).toMatchObject({ concurrency: 3, model: 'cw-tiny', lockTimeoutSeconds: 5, maxRetries: 0, queueName: 'studio', logger: false });
  });

  it('requires --redis and --results-dir for a worker', async () => {
    const program = buildProgram();
    program.commands.find((c) => c.name() === 'worker')!.configureOutput({ writeErr: () => {} });
    await expect(program.parseAsync(['worker', '--results-dir', 'd'], { from: 'user' })).rejects.toMatchObject({ code: 'commander.missingMandatoryOptionValue' });
  });

  it('passes --redis and --queue-name to serve, and nothing of them without --redis', async () => {
    await buildProgram().parseAsync(['serve', '--redis', 'redis://r:6379', '--queue-name', 'studio', '--results-dir', '/shared/cw'], { from: 'user' });
    expect(serve.mock.calls[0]![0]).toMatchObject({ redis: 'redis://r:6379', queueName: 'studio', resultsDir: '/shared/cw' });
    await buildProgram().parseAsync(['serve'], { from: 'user' });
    expect(serve.mock.calls[1]![0]).not.toHaveProperty('redis');
    expect(serve.mock.calls[1]![0]).not.toHaveProperty('queueName');
  });
});
