import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRedis, type LocalRedis } from '../../src/bench/local-redis.js';
import { PACKAGE_ROOT } from '../../src/packs/package-root.js';
import { queueKeys } from '../../src/queue/job-record.js';
import { grayPng, parseSse, waitFor } from '../server/helpers.js';
import { redisMissing } from './redis-helpers.js';

const CLI = join(PACKAGE_ROOT, 'dist', 'cli', 'main.js');
const PACK = join(PACKAGE_ROOT, 'test', 'fixtures', 'tiny-pack');
const QUEUE = 'cluster';
const TERMINAL = new Set(['done', 'failed', 'cancelled']);

interface Role {
  child: ChildProcess;
  stderr: string;
  exited: Promise<number | null>;
}

/** Starts `color-wizard <args>` and resolves once stderr shows `ready`. */
async function startRole(args: string[], ready: RegExp): Promise<Role & { match: RegExpMatchArray }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const role: Role = { child, stderr: '', exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start: ${role.stderr.slice(-1000)}`)), 60_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      role.stderr += chunk.toString();
      const found = role.stderr.match(ready);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    void role.exited.then((code) => reject(new Error(`${args[0]} exited with ${code}: ${role.stderr.slice(-1000)}`)));
  });
  return { ...role, match };
}

/**
 * The two roles as separate processes, as an operator runs them: one API (`serve --redis`), two
 * workers on the tiny test pack, a real redis-server, one shared folder.
 */
describe.skipIf(redisMissing)('Redis mode with real processes: one API, two workers', () => {
  let redis: LocalRedis;
  let dir: string;
  let base: string;
  const roles: Role[] = [];
  const workerArgs = () => ['worker', '--redis', redis.url, '--results-dir', dir, '--queue-name', QUEUE, '--model', PACK, '--lock-timeout', '2', '--max-retries', '1', '--shutdown-grace', '5', '--quiet'];

  beforeAll(async () => {
    redis = await startLocalRedis();
    dir = await mkdtemp(join(tmpdir(), 'cw-cluster-'));
    const api = await startRole(['serve', '--redis', redis.url, '--results-dir', dir, '--queue-name', QUEUE, '--port', '0', '--queue', '64', '--model', PACK, '--quiet'], /serving (http:\/\/[\d.:]+)/);
    base = api.match[1]!;
    roles.push(api);
    for (let i = 0; i < 2; i++) roles.push(await startRole(workerArgs(), /taking jobs/));
  });

  afterAll(async () => {
    for (const role of roles) role.child.kill('SIGKILL');
    await redis?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('finishes 40 jobs while a worker is SIGKILLed mid-run: each once, every SSE stream ends with a final event', async () => {
    const image = grayPng(48, 32);
    const options = encodeURIComponent(JSON.stringify({ steps: 8, seed: 3 }));
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const response = await fetch(`${base}/v1/colorizations?options=${options}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: new Uint8Array(image) });
      expect(response.status).toBe(202);
      ids.push(((await response.json()) as { id: string }).id);
    }
    // One stream per job, from its first event: the live path a client sees through the kill.
    const streams = ids.map(async (id) => parseSse(await (await fetch(`${base}/v1/colorizations/${id}/events`, { headers: { 'last-event-id': '0' } })).text()));

    // Kill a worker while it runs a job (the record names the worker running it).
    const keys = queueKeys(QUEUE);
    const client = new Redis(redis.url);
    client.on('error', () => undefined);
    const victim = roles[1]!;
    let killedJob: string | undefined;
    await waitFor(async () => {
      for (const id of ids) {
        const [state, worker] = await client.hmget(keys.job(id), 'state', 'worker');
        if (state === 'running' && worker?.endsWith(`:${victim.child.pid}`)) {
          victim.child.kill('SIGKILL');
          killedJob = id;
          return true;
        }
      }
      return false;
    }, 30_000);
    expect(await victim.exited).toBeNull(); // killed by a signal

    const results = await Promise.all(streams);
    for (const [i, events] of results.entries()) {
      const finals = events.filter((e) => TERMINAL.has(e.event));
      expect(finals, `job ${ids[i]}`).toHaveLength(1);
      expect(events.at(-1)!.event).toMatch(/^(done|failed)$/);
      if (events.at(-1)!.event === 'failed') expect(events.at(-1)!.data.error.code).toBe('WORKER_LOST');
      // Ids increase one by one from where the stream joined: nothing missing, nothing twice.
      expect(events.map((e) => e.id)).toEqual(events.map((_, k) => events[0]!.id! + k));
    }
    // The killed job was started again by the other worker and finished there.
    expect(await client.hget(keys.job(killedJob!), 'attempts')).toBe('2');
    expect(results[ids.indexOf(killedJob!)]!.at(-1)!.event).toBe('done');
    client.disconnect();

    // One folder per job with exactly its sample: no leftovers, no second set.
    const folders = (await readdir(dir)).filter((name) => ids.includes(name));
    expect(folders).toHaveLength(40);
    for (const id of ids) expect(await readdir(join(dir, id)), `job ${id}${id === killedJob ? ' (killed mid-run)' : ''}`).toEqual(['1.png']);
  });

  it('cancels a job running on a worker process within about a step', async () => {
    const options = encodeURIComponent(JSON.stringify({ steps: 500, seed: 1 }));
    const posted = (await (await fetch(`${base}/v1/colorizations?options=${options}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: new Uint8Array(grayPng(48, 32)) })).json()) as { id: string; links: { self: string } };
    let step = 0;
    await waitFor(async () => {
      const view = (await (await fetch(`${base}${posted.links.self}`)).json()) as { progress: { step?: number } | null };
      step = view.progress?.step ?? 0;
      return step >= 3;
    }, 30_000);
    const deleted = await fetch(`${base}${posted.links.self}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    const view = (await deleted.json()) as { state: string; progress: { step: number } };
    expect(view.state).toBe('cancelled');
    // Stopped long before the end (the in-process test pins "before the next model call" exactly).
    expect(view.progress.step).toBeLessThan(250);
  });

  it('drains on SIGTERM (exit 0), and a worker without Redis exits with code 9 and says why', async () => {
    const worker = roles[2]!;
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    const lost = spawn(process.execPath, [CLI, 'worker', '--redis', 'redis://127.0.0.1:1', '--results-dir', dir, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    lost.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => lost.once('exit', resolve));
    expect(code).toBe(9);
    expect(stderr).toContain('QUEUE: cannot reach Redis at redis://127.0.0.1:1: connect ECONNREFUSED');
  });

  it('fails a job clearly (WORKER_LOST) once its workers died more often than the retry limit', async () => {
    const strict = () => workerArgs().map((arg, i, all) => (all[i - 1] === '--max-retries' ? '0' : arg));
    const first = await startRole(strict(), /taking jobs/);
    const second = await startRole(strict(), /taking jobs/);
    roles.push(first, second);
    const options = encodeURIComponent(JSON.stringify({ steps: 500, seed: 2 }));
    const posted = (await (await fetch(`${base}/v1/colorizations?options=${options}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: new Uint8Array(grayPng(48, 32)) })).json()) as { id: string; links: { self: string; events: string } };
    const keys = queueKeys(QUEUE);
    const client = new Redis(redis.url);
    client.on('error', () => undefined);
    let runner: Role | undefined;
    await waitFor(async () => {
      const worker = await client.hget(keys.job(posted.id), 'worker');
      runner = [first, second].find((role) => worker?.endsWith(`:${role.child.pid}`));
      return runner !== undefined;
    }, 30_000);
    client.disconnect();
    runner!.child.kill('SIGKILL');
    const events = parseSse(await (await fetch(`${base}${posted.links.events}`)).text());
    expect(events.at(-1)).toMatchObject({ event: 'failed', data: { state: 'failed', error: { code: 'WORKER_LOST' } } });
    expect(events.at(-1)!.data.error.message).toMatch(/stopped \(killed or crashed\) 1 time/);
  });
});
