import type { FastifyInstance } from 'fastify';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../src/server/index.js';
import { FakeLibrary, grayPng } from './helpers.js';

/** The page at GET / in a real headless Chromium (Debian package `chromium`). */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`web page test skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);

const title = hasChromium ? 'web page in headless Chromium' : `web page in headless Chromium (SKIPPED: ${CHROMIUM} not found; apt-get install -y chromium)`;

describe.skipIf(!hasChromium)(title, () => {
  let app: FastifyInstance;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const fake = new FakeLibrary({ steps: 8, stepMs: 30 });

  beforeAll(async () => {
    app = await createServer({ colorize: fake.colorize });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    profile = mkdtempSync(join(tmpdir(), 'cw-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1200, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await context?.close();
    await app?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** Decodes a PNG screenshot in the page itself and measures it: no image decoder needed in Node. */
  const measure = (png: Buffer) =>
    page.evaluate(async (b64) => {
      const { document, Image } = globalThis as any; // runs in the page (tsconfig has no DOM lib)
      const img = new Image();
      img.src = 'data:image/png;base64,' + b64;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const colors = new Set<number>();
      let chroma = 0;
      for (let i = 0; i < data.length; i += 4) {
        colors.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        chroma += Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]);
      }
      return { width: canvas.width, height: canvas.height, distinctColors: colors.size, meanChroma: chroma / (data.length / 4) };
    }, png.toString('base64'));

  it('uploads a photo, adds a hint, shows progress and the samples beside the original', async () => {
    await page.goto(`${base}/`);
    expect(await page.title()).toBe('Color Wizard');
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.setInputFiles('#file', { name: 'photo.png', mimeType: 'image/png', buffer: grayPng(240, 160) });
    await page.locator('#original').waitFor({ state: 'visible' });
    await page.fill('#prompt', 'red car, autumn trees');
    await page.fill('#samples', '2');
    await page.fill('#seed', '21');
    await page.locator('#original').click({ position: { x: 30, y: 20 } });
    expect(await page.locator('#stage .dot').count()).toBe(1);

    const statuses: string[] = [];
    await page.exposeFunction('reportStatus', (text: string) => statuses.push(text));
    await page.evaluate(() => {
      const { document, MutationObserver, window } = globalThis as any;
      const status = document.getElementById('status');
      new MutationObserver(() => window.reportStatus(status.textContent ?? '')).observe(status, { childList: true, characterData: true, subtree: true });
    });

    await page.click('#colorize');
    await page.waitForFunction(
      () => {
        const samples: Array<{ complete: boolean; naturalWidth: number }> = [...(globalThis as any).document.querySelectorAll('#results img.sample')];
        return samples.length === 2 && samples.every((img) => img.complete && img.naturalWidth > 0);
      },
      undefined,
      { timeout: 30_000 },
    );
    expect(await page.textContent('#status')).toBe('Done');
    expect(statuses.some((s) => /Denoising step \d+\/8/.test(s))).toBe(true);
    expect(errors).toEqual([]);

    // What the server received from the page.
    const sent = fake.optionsSeen.at(-1)!;
    expect(sent).toMatchObject({ prompt: 'red car, autumn trees', samples: 2, seed: 21 });
    expect(sent.hints).toHaveLength(1);
    expect(sent.hints![0]!.color).toBe('#cc2200');

    // Side by side: the original first, then the samples, each sample downloadable.
    const captions = await page.locator('#results figcaption span').allTextContents();
    expect(captions).toEqual(['Original', 'Sample 1 · seed 21', 'Sample 2 · seed 22']);
    expect(await page.locator('#results a[download]').count()).toBe(2);

    // Screenshot check: the result region shows a colorful, non-uniform image; the original is gray.
    const sample = await measure(await page.locator('#results img.sample').first().screenshot());
    expect(sample.width).toBeGreaterThan(100);
    expect(sample.distinctColors).toBeGreaterThan(50);
    expect(sample.meanChroma).toBeGreaterThan(40);
    const original = await measure(await page.locator('#results figure img').first().screenshot());
    expect(original.distinctColors).toBeGreaterThan(10);
    expect(original.meanChroma).toBeLessThan(3);
  });

  it('draws strokes, sends reference, palette and strength, and re-tones results with the slider', async () => {
    await page.goto(`${base}/`);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.setInputFiles('#file', { name: 'photo.png', mimeType: 'image/png', buffer: grayPng(240, 160) });
    await page.locator('#original').waitFor({ state: 'visible' });
    await page.selectOption('#tool', 'stroke');
    const box = (await page.locator('#original').boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + 60, box.y + 40, { steps: 5 });
    await page.mouse.move(box.x + 100, box.y + 30, { steps: 5 });
    await page.mouse.up();
    expect(await page.locator('#strokes polyline').count()).toBe(1);
    await page.fill('#palette', '#aa3322, #335577');
    await page.locator('#strength').fill('0.5');
    await page.setInputFiles('#reference', { name: 'ref.png', mimeType: 'image/png', buffer: grayPng(64, 48) });
    await page.fill('#samples', '1');
    await page.click('#colorize');
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('#results img.sample').length === 1, undefined, { timeout: 30_000 });
    const sent = fake.optionsSeen.at(-1)!;
    expect(sent).toMatchObject({ palette: ['#aa3322', '#335577'], strength: 0.5 });
    expect(sent.strokes).toHaveLength(1);
    expect(sent.strokes![0]!.points.length).toBeGreaterThan(2);
    expect(String(sent.reference)).toMatch(/^data:image\/png;base64,/);
    await page.locator('#strength').fill('1');
    await page.waitForFunction(() => /strength=2\.000$/.test((globalThis as any).document.querySelector('#results img.sample').src), undefined, { timeout: 5_000 });
    expect(errors).toEqual([]);
  });

  it('shows a server error (unsupported file) without crashing', async () => {
    await page.goto(`${base}/`);
    await page.setInputFiles('#file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image at all') });
    await page.click('#colorize');
    await page.waitForFunction(() => ((globalThis as any).document.getElementById('error').textContent ?? '').length > 0);
    expect(await page.textContent('#error')).toContain('UNSUPPORTED_MEDIA_TYPE');
    expect(await page.isEnabled('#colorize')).toBe(true);
  });
});
