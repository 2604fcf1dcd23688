import { describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { parseByteSize } from '../../src/server/settings.js';

const { serve } = vi.hoisted(() => ({ serve: vi.fn(async (_options: Record<string, unknown>) => {}) }));
vi.mock('../../src/server/serve.js', () => ({ serve }));

describe('color-wizard serve', () => {
  it('maps flags to server settings', async () => {
    await buildProgram().parseAsync(
      ['serve', '--port', '0', '--host', '0.0.0.0', '--concurrency', '2', '--queue', '4', '--results-ttl', '30', '--body-limit', '10mb', '--cors', 'https://a.example', '--cors', 'https://b.example', '--model', 'cw-tiny', '--timeout', '0', '--quiet'],
      { from: 'user' },
    );
    expect(serve).toHaveBeenCalledTimes(1);
    expect(serve.mock.calls[0]![0]).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      concurrency: 2,
      queue: 4,
      resultsTtlSeconds: 30,
      bodyLimit: 10 * 1024 * 1024,
      cors: ['https://a.example', 'https://b.example'],
      model: 'cw-tiny',
      timeoutSeconds: 0,
      logger: false,
    });
  });

  it('has the documented defaults (loopback, CORS off)', async () => {
    serve.mockClear();
    await buildProgram().parseAsync(['serve'], { from: 'user' });
    expect(serve.mock.calls[0]![0]).toMatchObject({ port: 8080, host: '127.0.0.1', concurrency: 1, queue: 16, resultsTtlSeconds: 600, bodyLimit: 50 * 1024 * 1024, cors: false, timeoutSeconds: 300, logger: true });
  });

  it('takes the token and the webhook secret from the environment, and webhook hosts as lists', async () => {
    serve.mockClear();
    process.env.COLOR_WIZARD_TOKEN = 'from-the-environment-0123';
    process.env.COLOR_WIZARD_WEBHOOK_SECRET = 'secret-from-the-environment';
    try {
      await buildProgram().parseAsync(['serve', '--webhook-allow', 'hooks.example.com, 127.0.0.1:9000', '--webhook-allow', '*.ci.example'], { from: 'user' });
    } finally {
      delete process.env.COLOR_WIZARD_TOKEN;
      delete process.env.COLOR_WIZARD_WEBHOOK_SECRET;
    }
    expect(serve.mock.calls[0]![0]).toMatchObject({
      token: 'from-the-environment-0123',
      webhookSecret: 'secret-from-the-environment',
      webhookAllow: ['hooks.example.com', '127.0.0.1:9000', '*.ci.example'],
    });
    serve.mockClear();
    await buildProgram().parseAsync(['serve', '--host', '0.0.0.0', '--insecure-no-auth', '--token', 'given-on-the-command-line'], { from: 'user' });
    expect(serve.mock.calls[0]![0]).toMatchObject({ host: '0.0.0.0', insecureNoAuth: true, token: 'given-on-the-command-line' });
  });

  it('rejects bad flag values as usage errors', async () => {
    // Subcommands copy the output settings when they are created: silence `serve` itself, or commander's
    // `error: option '--body-limit'…` line leaks into the test output.
    const quiet = () => {
      const program = buildProgram();
      program.commands.find((c) => c.name() === 'serve')!.configureOutput({ writeErr: () => {} });
      return program;
    };
    await expect(quiet().parseAsync(['serve', '--concurrency', '0'], { from: 'user' })).rejects.toMatchObject({ code: 'commander.invalidArgument' });
    await expect(quiet().parseAsync(['serve', '--body-limit', 'lots'], { from: 'user' })).rejects.toMatchObject({ code: 'commander.invalidArgument' });
  });
});

describe('parseByteSize', () => {
  it('reads binary units', () => {
    expect(parseByteSize('50mb')).toBe(52_428_800);
    expect(parseByteSize('512KB')).toBe(524_288);
    expect(parseByteSize('1.5g')).toBe(1_610_612_736);
    expect(parseByteSize('1000')).toBe(1000);
    expect(() => parseByteSize('-1mb')).toThrow(/invalid size/);
    expect(() => parseByteSize('10 parsecs')).toThrow(/b, kb, mb or gb/);
  });
});
