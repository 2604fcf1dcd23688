import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { pngChunk } from '../../src/image/png-chunks.js';
import { TINY_PACK } from '../helpers/tiny-pack.js';

// The built CLI (`npm test` builds dist/ first): a real server with its real worker threads.
const CLI = resolve(__dirname, '..', '..', 'dist', 'cli', 'main.js');

/** A 9999×10000 gray PNG of about 100 KB: within the default limits, 100 MP once decoded. */
function hugeFlatPng(width: number, height: number): Buffer {
  const raw = Buffer.alloc((width + 1) * height, 90);
  for (let y = 0; y < height; y++) raw[y * (width + 1)] = 0; // filter type "none" per row
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw, { level: 9 })), pngChunk('IEND', Buffer.alloc(0))]);
}

let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
});

describe('one heavy job does not freeze the server', () => {
  it('/healthz p99 stays under 100 ms while a 9999×10000 job runs', async () => {
    child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--model', TINY_PACK, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const base = await new Promise<string>((resolveUrl, reject) => {
      let stderr = '';
      child!.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        const match = /serving (http:\/\/\S+) /.exec(stderr);
        if (match) resolveUrl(match[1]!);
      });
      child!.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    });
    for (let i = 0; i < 200 && (await fetch(`${base}/readyz`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));

    const image = hugeFlatPng(9999, 10000);
    expect(image.length).toBeLessThan(200_000);
    const submitted = await fetch(`${base}/v1/colorizations?options=${encodeURIComponent(JSON.stringify({ steps: 1 }))}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: new Uint8Array(image) });
    expect(submitted.status).toBe(202);
    const job = (await submitted.json()) as { links: { self: string } };

    // Sample health for a few seconds of the run: decoding, the 100 MP lightness and resampling loops.
    const latencies: number[] = [];
    const until = Date.now() + 6_000;
    while (Date.now() < until) {
      const started = performance.now();
      const health = await fetch(`${base}/healthz`);
      await health.arrayBuffer();
      latencies.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 20));
    }
    const state = ((await (await fetch(`${base}${job.links.self}`)).json()) as { state: string }).state;
    expect(state).toBe('running'); // the samples were taken while it ran
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.ceil(0.99 * latencies.length) - 1]!;
    expect(latencies.length).toBeGreaterThan(50);
    expect(p99, `p99 ${p99.toFixed(1)} ms over ${latencies.length} requests`).toBeLessThan(100);
  }, 60_000);
});
