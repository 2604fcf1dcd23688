import { deflateSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterEach } from 'vitest';
import { createServer, type CreateServerOptions } from '../../src/server/index.js';
import { CancelledError } from '../../src/errors/index.js';
import type { ColorizeInput, ColorizeOptions, ColorizeResult, ProgressEvent } from '../../src/pipeline/types.js';

/** Minimal PNG writer (8-bit gray or RGB), so server tests need neither sharp nor the pipeline. */
export function encodePng(width: number, height: number, channels: 1 | 3, pixel: (x: number, y: number) => number[]): Buffer {
  const stride = width * channels + 1;
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), y * stride + 1 + x * channels);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, channels === 1 ? 0 : 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A gray photo-like test image: gradient plus a bright disc. */
export function grayPng(width = 48, height = 32): Buffer {
  return encodePng(width, height, 1, (x, y) => {
    const disc = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (Math.min(width, height) / 4) ** 2 ? 80 : 0;
    return [Math.min(255, 30 + Math.round((140 * x) / width) + disc)];
  });
}

export function pngSize(buf: Buffer): { width: number; height: number } {
  if (buf.length >= 24 && buf.toString('latin1', 12, 16) === 'IHDR') return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  return { width: 8, height: 8 };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface FakeOptions {
  steps?: number;
  stepMs?: number;
  /** Thrown at the given step, as the library would (e.g. a ModelRunError). */
  failAt?: { step: number; error: Error };
}

/**
 * Stands in for the library's colorize(): same progress stages, checks the signal before each
 * "model call" like the pipeline, returns colorful PNGs of the input's size. Records what it saw.
 */
export class FakeLibrary {
  running = 0;
  maxRunning = 0;
  calls = 0;
  /** Model calls started, over all runs. */
  modelCalls = 0;
  readonly optionsSeen: ColorizeOptions[] = [];
  #gate: Promise<void> | null = null;
  #open: (() => void) | null = null;

  constructor(readonly options: FakeOptions = {}) {}

  /** Steps wait until release(): lets tests look at queued/running jobs deterministically. */
  hold(): void {
    this.#gate ??= new Promise((resolve) => (this.#open = resolve));
  }

  release(): void {
    this.#open?.();
    this.#gate = null;
    this.#open = null;
  }

  colorize = async (input: ColorizeInput, options: ColorizeOptions): Promise<ColorizeResult> => {
    this.calls += 1;
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    this.optionsSeen.push(options);
    try {
      return await this.#run(input, options);
    } finally {
      this.running -= 1;
    }
  };

  async #run(input: ColorizeInput, options: ColorizeOptions): Promise<ColorizeResult> {
    const { signal, onProgress } = options;
    const started = Date.now();
    // The pipeline's event shape: elapsed time, and an ETA once denoising has begun.
    const report = (event: Omit<ProgressEvent, 'elapsedMs' | 'etaMs'>) => {
      const elapsedMs = Date.now() - started;
      const etaMs = event.stage === 'loading' || event.stage === 'preparing' ? null : Math.round((elapsedMs * (1 - event.fraction)) / Math.max(event.fraction, 0.01));
      onProgress?.({ ...event, elapsedMs, etaMs });
    };
    const steps = options.steps ?? this.options.steps ?? 4;
    const { width, height } = pngSize(Buffer.isBuffer(input) ? input : Buffer.alloc(0));
    // Like the pipeline: the signal is checked before each model call; a call in flight (held
    // by the gate) runs to its end.
    const modelCall = async (step: number) => {
      if (signal?.aborted) throw new CancelledError('The colorization was cancelled.');
      this.modelCalls += 1;
      while (this.#gate) await this.#gate;
      if (this.options.failAt?.step === step) throw this.options.failAt.error;
      await sleep(this.options.stepMs ?? 2);
    };
    report({ stage: 'loading', fraction: 0.05 });
    report({ stage: 'preparing', fraction: 0.1 });
    for (let step = 1; step <= steps; step++) {
      report({ stage: 'denoising', step, totalSteps: steps, fraction: 0.1 + (0.75 * (step - 1)) / steps });
      await modelCall(step);
    }
    report({ stage: 'decoding', fraction: 0.85 });
    await modelCall(steps + 1);
    report({ stage: 'encoding', fraction: 0.97 });
    const samples = Array.from({ length: options.samples ?? 1 }, (_, i) => ({
      index: i + 1,
      seed: (options.seed ?? 7) + i,
      format: 'png' as const,
      width,
      height,
      image: encodePng(width, height, 3, (x, y) => [(x * 255) / width, (y * 255) / height, 128 + 60 * i]),
    }));
    return {
      width,
      height,
      samples,
      seed: options.seed ?? 7,
      steps,
      scheduler: options.scheduler ?? 'ddim',
      guidance: options.guidance ?? 3,
      temperature: options.temperature ?? 1,
      anchor: options.anchor ?? 0,
      model: options.model ?? 'fake',
      prompt: { text: options.prompt ?? '', negative: options.negativePrompt ?? '', understood: [] },
      timings: { readMs: 0, loadMs: 0, prepareMs: 0, denoiseMs: 1, upsampleMs: 0, decodeMs: 0, fuseMs: 0, encodeMs: 0, totalMs: 1, modelMs: 1 },
    };
  }
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('waitFor: timed out');
    await sleep(5);
  }
}

/** A multipart/form-data body for inject(). */
export function multipart(fields: Array<{ name: string; value: string | Buffer; filename?: string; type?: string }>): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----cw' + Math.random().toString(16).slice(2);
  const parts: Buffer[] = [];
  for (const field of fields) {
    const disposition = `form-data; name="${field.name}"${field.filename ? `; filename="${field.filename}"` : ''}`;
    const type = field.type ?? (field.filename ? 'application/octet-stream' : undefined);
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n`));
    parts.push(Buffer.isBuffer(field.value) ? field.value : Buffer.from(field.value));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Parses a text/event-stream body into events. */
export function parseSse(text: string): Array<{ id?: number; event: string; data: any }> {
  const events: Array<{ id?: number; event: string; data: any }> = [];
  for (const block of text.split('\n\n')) {
    let event = 'message';
    let id: number | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('id: ')) id = Number(line.slice(4));
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length > 0) events.push({ id, event, data: JSON.parse(data.join('\n')) });
  }
  return events;
}

/** Builds one server per test on a FakeLibrary (unless given `colorize`); each is closed after its test. */
export function testServers(): (options?: Partial<CreateServerOptions>, fake?: FakeLibrary) => Promise<{ app: FastifyInstance; fake: FakeLibrary }> {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  return async (options = {}, fake = new FakeLibrary()) => {
    app = await createServer({ colorize: fake.colorize, ...options });
    return { app, fake };
  };
}
