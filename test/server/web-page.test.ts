import type { FastifyInstance } from 'fastify';
import { existsSync, mkdirSync, readFileSync, rmSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { chromium, type BrowserContext, type Download, type Locator, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ModelRunError } from '../../src/errors/index.js';
import { createServer } from '../../src/server/index.js';
import { catalogDependencies } from '../../src/server/library.js';
import { FakeLibrary, grayPng } from './helpers.js';

/**
 * The page at GET / in a real headless Chromium (Debian package `chromium`), against the server with a
 * fake colorizer (fast, deterministic, colorful output) and the tiny test pack's real listing and image
 * probe. Every flow saves a screenshot under test/output/web-page/ (ignored by git) and checks its pixels.
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`web page test skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);
const title = hasChromium ? 'web page in headless Chromium' : `web page in headless Chromium (SKIPPED: ${CHROMIUM} not found; apt-get install -y chromium)`;

const TINY_PACK = resolve(__dirname, '..', 'fixtures', 'tiny-pack');
const OUT = resolve(__dirname, '..', 'output', 'web-page');
// Names used inside page.evaluate callbacks, which run in the page (tsconfig has no DOM lib).
declare const document: any;
declare const getComputedStyle: any;

// ---------------------------------------------------------------- pixels (decoded with sharp)
interface Raster { data: Buffer; width: number; height: number }
async function raster(png: Buffer): Promise<Raster> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
/** Stats of a region given in fractions of the image (x0..x1, y0..y1). */
function region(img: Raster, x0: number, x1: number, y0: number, y1: number, near?: [number, number, number]) {
  if (x1 <= x0 || y1 <= y0) throw new Error('empty region');
  let chroma = 0;
  let n = 0;
  let close = 0;
  for (let y = Math.floor(y0 * img.height); y < Math.ceil(y1 * img.height); y++) {
    for (let x = Math.floor(x0 * img.width); x < Math.ceil(x1 * img.width); x++) {
      const i = (y * img.width + x) * 3;
      const [r, g, b] = [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
      chroma += Math.max(r, g, b) - Math.min(r, g, b);
      if (near && Math.abs(r - near[0]) + Math.abs(g - near[1]) + Math.abs(b - near[2]) < 40) close += 1;
      n += 1;
    }
  }
  return { meanChroma: chroma / n, close, share: close / n, pixels: n };
}
const FOCUS: [number, number, number] = [0x25, 0x63, 0xeb];
const ERROR_RED: [number, number, number] = [0xdc, 0x26, 0x26];
const ERROR_BG: [number, number, number] = [0xfe, 0xe2, 0xe2];

// ---------------------------------------------------------------- zip reading (independent of the page's writer)
function readZip(buf: Buffer): Array<{ name: string; data: Buffer; method: number }> {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(eocd).toBeGreaterThan(0);
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  expect(cdOffset + cdSize).toBe(eocd);
  const entries: Array<{ name: string; data: Buffer; method: number }> = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(p)).toBe(0x02014b50);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const size = buf.readUInt32LE(p + 20);
    const nameLength = buf.readUInt16LE(p + 28);
    const skip = buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLength);
    expect(buf.readUInt32LE(local)).toBe(0x04034b50);
    expect(buf.toString('utf8', local + 30, local + 30 + buf.readUInt16LE(local + 26))).toBe(name);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    expect(crc32(data) >>> 0, `CRC of ${name}`).toBe(crc);
    entries.push({ name, data, method });
    p += 46 + nameLength + skip;
  }
  return entries;
}
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe.skipIf(!hasChromium)(title, () => {
  let app: FastifyInstance;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  let pageErrors: string[] = [];
  const fake = new FakeLibrary({ steps: 8, stepMs: 30 });
  let openApi: any;

  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const catalog = await catalogDependencies(TINY_PACK);
    // The tiny pack's real listing, and a second entry so the page shows its model choice.
    const listModels = async () => {
      const tiny = (await catalog.listModels!()).filter((m) => m.name === 'cw-tiny-random');
      return [...tiny, { name: 'cw-test-b', path: TINY_PACK, defaults: { scheduler: 'ddim', steps: 12, guidance: 1.5, temperature: 0.4, anchor: 0.5 } }];
    };
    app = await createServer({ colorize: fake.colorize, listModels, probe: catalog.probe, model: TINY_PACK });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    openApi = (await app.inject({ url: '/openapi.json' })).json();
    profile = mkdtempSync(join(tmpdir(), 'cw-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1200, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await context?.close();
    await app?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  beforeEach(async () => {
    pageErrors = [];
    fake.release();
    fake.options.stepMs = 30;
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  const open = async (url = `${base}/`) => {
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById('format').options.length > 0); // limits read from /openapi.json
  };
  const shot = async (target: Page | Locator, name: string, options: { fullPage?: boolean } = {}) => {
    const png = 'goto' in target ? await target.screenshot({ fullPage: options.fullPage }) : await target.screenshot();
    writeFileSync(join(OUT, `${name}.png`), png);
    return raster(png);
  };
  const addPhotos = (files: Array<{ name: string; buffer: Buffer; mimeType?: string }>) =>
    page.setInputFiles('#file', files.map((f) => ({ name: f.name, mimeType: f.mimeType ?? 'image/png', buffer: f.buffer })));
  const waitDone = (count: number, timeout = 30_000) =>
    page.waitForFunction(
      (n) => {
        const imgs: any[] = [...document.querySelectorAll('.card .results img.after')];
        const states: any[] = [...document.querySelectorAll('.card-state')];
        return imgs.length >= n && imgs.every((img) => img.complete && img.naturalWidth > 0) && states.every((s) => s.textContent.startsWith('Done'));
      },
      count,
      { timeout },
    );
  const colorizeAll = async (samples: number) => {
    await page.fill('#samples', String(samples));
    await page.click('#colorize');
  };
  const bytesOf = async (download: Download) => readFileSync((await download.path())!);

  it('empty page: nothing hidden shows (no broken-image placeholder), every control is labelled', async () => {
    await open();
    // [hidden] wins over the author display rules (the quality field is a flex label).
    const shown = await page.evaluate(() =>
      [...document.querySelectorAll('[hidden]')].filter((el: any) => getComputedStyle(el).display !== 'none').map((el: any) => el.id || el.className),
    );
    expect(shown).toEqual([]);
    expect(await page.evaluate(() => getComputedStyle(document.getElementById('quality-field')).display)).toBe('none');
    expect(await page.locator('img:visible').count()).toBe(0);
    expect(await page.isVisible('#empty')).toBe(true);
    // Every control has an accessible name: a label, aria-label(ledby) or its own text.
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea, button, [role=slider], [role=button], [tabindex]')]
        .filter((el: any) => {
          const byLabel = el.labels && [...el.labels].some((l: any) => l.textContent.trim());
          const byAria = el.getAttribute('aria-label') || (el.getAttribute('aria-labelledby') && document.getElementById(el.getAttribute('aria-labelledby'))?.textContent.trim());
          const byText = (el.tagName === 'BUTTON' || el.getAttribute('role') === 'button') && el.textContent.trim();
          return !(byLabel || byAria || byText);
        })
        .map((el: any) => el.id || el.outerHTML.slice(0, 60)),
    );
    expect(unnamed).toEqual([]);
    const img = await shot(page, 'empty-page');
    // The photo area holds only the dashed "No photos yet" box: no image, so no colorful pixels at all.
    expect(region(img, 0.35, 1, 0.1, 0.6).meanChroma).toBeLessThan(2);
    expect(pageErrors).toEqual([]);
  });

  it('controls: limits come from the server, bad values are refused before upload, good ones are sent', async () => {
    await open();
    const limits = openApi.components.schemas.ColorizeOptions.properties;
    expect(await page.getAttribute('#samples', 'max')).toBe(String(limits.samples.maximum));
    expect(await page.getAttribute('#seed', 'max')).toBe(String(limits.seed.maximum));
    expect(await page.getAttribute('#guidance', 'max')).toBe(String(limits.guidance.maximum));
    expect(await page.getAttribute('#temperature', 'max')).toBe(String(limits.temperature.maximum));
    expect(await page.getAttribute('#anchor', 'max')).toBe(String(limits.anchor.maximum));
    expect(await page.inputValue('#samples')).toBe(String(limits.samples.default));
    expect(await page.locator('#format option').evaluateAll((os: any[]) => os.map((o) => o.value))).toEqual(limits.format.enum);
    // The default pack's own defaults show as placeholders; the model choice updates them.
    expect(await page.getAttribute('#steps', 'placeholder')).toBe('default 20');
    await page.selectOption('#model', 'cw-test-b');
    expect(await page.getAttribute('#steps', 'placeholder')).toBe('default 12');
    expect(await page.getAttribute('#temperature', 'placeholder')).toBe('default 0.4');
    expect(await page.getAttribute('#anchor', 'placeholder')).toBe('default 0.5');
    await page.selectOption('#model', '');

    await addPhotos([{ name: 'photo.png', buffer: grayPng(240, 160) }]);
    await page.locator('.card img.original').waitFor({ state: 'visible' });
    const callsBefore = fake.calls;
    await page.fill('#samples', '99');
    await page.click('#colorize');
    await expect.poll(() => page.textContent('#form-error')).toContain('Samples must be a whole number from 1 to 16 (it is 99).');
    expect(await page.getAttribute('#samples', 'aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement.id)).toBe('samples');
    const banner = await shot(page.locator('#form-error'), 'controls-refused');
    expect(region(banner, 0, 3 / banner.width, 0.2, 0.8, ERROR_RED).share).toBeGreaterThan(0.8); // the red edge
    expect(region(banner, 0.6, 0.99, 0.05, 0.95, ERROR_BG).share).toBeGreaterThan(0.6); // the tinted background
    await page.fill('#samples', '1');
    await page.fill('#guidance', '31');
    await page.click('#colorize');
    await expect.poll(() => page.textContent('#form-error')).toContain('Guidance must be a number from 0 to 30');
    await page.fill('#guidance', '');
    await page.fill('#temperature', '2.5');
    await page.click('#colorize');
    await expect.poll(() => page.textContent('#form-error')).toContain('Temperature must be a number from 0 to 2');
    await page.fill('#temperature', '');
    await page.fill('#anchor', '0.95');
    await page.click('#colorize');
    await expect.poll(() => page.textContent('#form-error')).toContain('Anchor must be a number from 0 to 0.9');
    await page.fill('#anchor', '');
    await page.fill('#palette', '#aa3322, #zz0000');
    await page.click('#colorize');
    await expect.poll(() => page.textContent('#form-error')).toContain('\u201c#zz0000\u201d is not a color');
    await page.fill('#palette', '');
    expect(fake.calls).toBe(callsBefore);

    // The page has no limits of its own: a server that allows 3 samples gets 4 refused.
    await page.route('**/openapi.json', (route) => {
      const tighter = structuredClone(openApi);
      tighter.components.schemas.ColorizeOptions.properties.samples.maximum = 3;
      return route.fulfill({ json: tighter });
    });
    await open();
    await addPhotos([{ name: 'photo.png', buffer: grayPng(240, 160) }]);
    await page.fill('#samples', '4');
    await page.click('#colorize');
    await expect.poll(() => page.textContent('#form-error')).toContain('Samples must be a whole number from 1 to 3 (it is 4).');
    await page.unroute('**/openapi.json');

    // Every control, then what the server received.
    await open();
    await addPhotos([{ name: 'photo.png', buffer: grayPng(240, 160) }]);
    await page.locator('.card img.original').waitFor({ state: 'visible' });
    await page.fill('#prompt', 'red car, autumn trees');
    await page.fill('#negative', 'green');
    await page.click('#new-seed');
    const drawn = Number(await page.inputValue('#seed'));
    expect(Number.isInteger(drawn) && drawn >= 0 && drawn <= limits.seed.maximum).toBe(true);
    await page.fill('#seed', '21');
    await page.fill('#steps', '6');
    await page.fill('#guidance', '4.5');
    await page.fill('#temperature', '0.3');
    await page.locator('#strength').fill('0.8');
    await page.selectOption('#format', 'webp');
    expect(await page.isVisible('#quality')).toBe(true);
    await page.fill('#quality', '80');
    await page.selectOption('#scheduler', 'ddim');
    await page.fill('#hint-radius', '12');
    await page.locator('#hint-color').fill('#2255ee');
    await page.locator('.card img.original').click({ position: { x: 60, y: 40 } });
    expect(await page.locator('.card .dot').count()).toBe(1);
    const stage = await shot(page.locator('.card .stage'), 'controls-hint');
    // The dot (hint color) sits where it was clicked, on an otherwise gray photo.
    expect(region(stage, 60 / 240 - 0.01, 60 / 240 + 0.01, 40 / 160 - 0.01, 40 / 160 + 0.01, [0x22, 0x55, 0xee]).share).toBeGreaterThan(0.5);
    expect(region(stage, 0.6, 0.95, 0.6, 0.95).meanChroma).toBeLessThan(3);
    await page.fill('#samples', '2');
    await page.click('#colorize');
    await waitDone(2);
    expect(fake.optionsSeen.at(-1)).toMatchObject({
      prompt: 'red car, autumn trees',
      negativePrompt: 'green',
      samples: 2,
      seed: 21,
      steps: 6,
      guidance: 4.5,
      temperature: 0.3,
      strength: 0.8,
      format: 'webp',
      quality: 80,
      scheduler: 'ddim',
    });
    const [hint, ...more] = fake.optionsSeen.at(-1)!.hints!;
    expect(more).toEqual([]);
    expect(hint).toMatchObject({ color: '#2255ee', radius: 12 });
    // In the photo's pixels: where it was clicked (within the rounding of a sub-pixel layout).
    expect(Math.abs(hint!.x - 60) <= 1 && Math.abs(hint!.y - 40) <= 1).toBe(true);
    expect(await page.locator('.card figcaption .caption').allTextContents()).toEqual(['Sample 1 · seed 21', 'Sample 2 · seed 22']);
    // "seed 22" puts that seed back in the form.
    await page.locator('.card button.seed').nth(1).click();
    expect(await page.inputValue('#seed')).toBe('22');
    expect(pageErrors).toEqual([]);
  });

  it('strokes, reference and palette are sent; the strength slider re-tones shown results', async () => {
    await open();
    await addPhotos([{ name: 'photo.png', buffer: grayPng(240, 160) }]);
    await page.locator('.card img.original').waitFor({ state: 'visible' });
    await page.selectOption('#tool', 'stroke');
    const box = (await page.locator('.card img.original').boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + 60, box.y + 40, { steps: 5 });
    await page.mouse.move(box.x + 100, box.y + 30, { steps: 5 });
    await page.mouse.up();
    expect(await page.locator('.card .strokes polyline').count()).toBe(1);
    await page.fill('#palette', '#aa3322, #335577');
    await page.locator('#strength').fill('0.5');
    await page.setInputFiles('#reference', { name: 'ref.png', mimeType: 'image/png', buffer: grayPng(64, 48) });
    await colorizeAll(1);
    await waitDone(1);
    const sent = fake.optionsSeen.at(-1)!;
    expect(sent).toMatchObject({ palette: ['#aa3322', '#335577'], strength: 0.5 });
    expect(sent.strokes).toHaveLength(1);
    expect(sent.strokes![0]!.points.length).toBeGreaterThan(2);
    expect(String(sent.reference)).toMatch(/^data:image\/png;base64,/);
    await page.locator('#strength').fill('1');
    await page.waitForFunction(() => /strength=2\.000$/.test(document.querySelector('.card img.after').src), undefined, { timeout: 5_000 });
    expect(pageErrors).toEqual([]);
  });

  it('batch: three dropped photos, each with its own card and progress (stage, step k/K, elapsed, ETA)', async () => {
    await open();
    const names = ['harbor.png', 'old street.png', 'portrait.png'];
    await page.evaluate(
      (files) => {
        const { DataTransfer, DragEvent, File, atob } = globalThis as any;
        const dt = new DataTransfer();
        for (const f of files) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c: string) => c.charCodeAt(0))], f.name, { type: 'image/png' }));
        const target = document.getElementById('drop');
        target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
        target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      names.map((name, i) => ({ name, b64: grayPng(200 + 20 * i, 140).toString('base64') })),
    );
    await expect.poll(() => page.locator('.card').count()).toBe(3);
    expect(await page.locator('.card-title').allTextContents()).toEqual(names);
    expect(await page.textContent('#colorize')).toBe('Colorize 3 photos');
    // Every card reports what its own progress line said.
    await page.evaluate(() => {
      const { MutationObserver } = globalThis as any;
      (globalThis as any).progressSeen = {};
      document.querySelectorAll('.card').forEach((card: any) => {
        const seen: string[] = ((globalThis as any).progressSeen[card.querySelector('.card-title').textContent] = []);
        new MutationObserver(() => {
          seen.push(card.querySelector('.card-state').textContent + ' | ' + card.querySelector('.progress-detail').textContent + ' | ' + card.querySelector('.progress-time').textContent);
        }).observe(card, { childList: true, characterData: true, subtree: true });
      });
    });

    fake.hold(); // the first job stops in step 1: a deterministic picture of a running batch
    await colorizeAll(1);
    const cards = page.locator('.card');
    await expect.poll(() => cards.nth(0).locator('.progress-detail').textContent()).toBe('Denoising · step 1/8 · 10%');
    await expect.poll(() => cards.nth(1).locator('.card-state').textContent()).toBe('Queued on the server · position 1');
    await expect.poll(() => cards.nth(2).locator('.card-state').textContent()).toBe('Queued on the server · position 2');
    expect(await cards.nth(0).locator('.progress-time').textContent()).toMatch(/^0:0\d elapsed/);
    const running = await shot(page.locator('#work'), 'batch-running');
    const bar = await shot(cards.nth(0).locator('progress'), 'batch-progress-bar');
    expect(region(bar, 0.01, 0.08, 0.3, 0.7).meanChroma).toBeGreaterThan(60); // filled part: the accent orange
    expect(region(bar, 0.3, 0.99, 0.3, 0.7).meanChroma).toBeLessThan(20); // the rest: empty track
    expect(running.width).toBeGreaterThan(300);

    fake.options.stepMs = 110; // long enough for an ETA to appear
    fake.release();
    await waitDone(3);
    const seen: Record<string, string[]> = await page.evaluate(() => (globalThis as any).progressSeen);
    for (const name of names) {
      const lines = seen[name]!;
      expect(lines.some((l) => /Denoising · step \d\/8/.test(l)), name).toBe(true);
      expect(lines.some((l) => /\d:\d\d elapsed · (about \d:\d\d left|almost done)/.test(l)), name).toBe(true);
    }
    expect(await page.locator('.card-state').allTextContents()).toEqual(names.map(() => expect.stringMatching(/^Done in 0:0\d · 1 sample$/)) as any);
    const done = await shot(page.locator('#work'), 'batch-done');
    expect(region(done, 0.05, 0.95, 0.05, 0.95).meanChroma).toBeGreaterThan(10);
    expect(await page.textContent('#status')).toBe('3 photos: 3 done');
    expect(pageErrors).toEqual([]);
  });

  it('downloads one result or all as a zip, keeping the photos\u2019 names', async () => {
    await open();
    fake.options.stepMs = 2;
    await addPhotos([
      { name: 'harbor.png', buffer: grayPng(120, 80) },
      { name: 'harbor.png', buffer: grayPng(90, 60) },
      { name: 'old street.png', buffer: grayPng(64, 48) },
    ]);
    await expect.poll(() => page.locator('.card').count()).toBe(3);
    await colorizeAll(2);
    await waitDone(6);

    const [one] = await Promise.all([page.waitForEvent('download'), page.locator('.card').first().locator('button.download').first().click()]);
    expect(one.suggestedFilename()).toBe('harbor_colorized_1.png');
    const single = await bytesOf(one);
    expect(single.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(await sharp(single).metadata()).toMatchObject({ format: 'png', width: 120, height: 80 });

    const [cardZip] = await Promise.all([page.waitForEvent('download'), page.locator('.card').nth(2).locator('button.zip').click()]);
    expect(cardZip.suggestedFilename()).toBe('old street_colorized.zip');
    expect(readZip(await bytesOf(cardZip)).map((e) => e.name)).toEqual(['old street_colorized_1.png', 'old street_colorized_2.png']);

    const [all] = await Promise.all([page.waitForEvent('download'), page.click('#download-all')]);
    expect(all.suggestedFilename()).toBe('colorized_3_photos.zip');
    const zipped = await bytesOf(all);
    writeFileSync(join(OUT, 'all.zip'), zipped);
    const entries = readZip(zipped);
    expect(entries.map((e) => e.name)).toEqual([
      'harbor_colorized_1.png',
      'harbor_colorized_2.png',
      'harbor-2_colorized_1.png',
      'harbor-2_colorized_2.png',
      'old street_colorized_1.png',
      'old street_colorized_2.png',
    ]);
    const sizes = [[120, 80], [120, 80], [90, 60], [90, 60], [64, 48], [64, 48]];
    for (const [i, entry] of entries.entries()) {
      expect(entry.method, entry.name).toBe(0); // stored
      expect(entry.data.subarray(0, 8)).toEqual(PNG_SIGNATURE);
      const meta = await sharp(entry.data).metadata();
      expect([meta.format, meta.width, meta.height], entry.name).toEqual(['png', ...sizes[i]!]);
      expect(region(await raster(entry.data), 0, 1, 0, 1).meanChroma, entry.name).toBeGreaterThan(40); // the colorized sample, not the gray input
    }
    const cardsShot = await shot(page.locator('#cards'), 'zip-cards');
    expect(region(cardsShot, 0, 1, 0, 1).meanChroma).toBeGreaterThan(5);
    expect(pageErrors).toEqual([]);
  });

  it('before/after slider: gray original left of the line, colorized right; mouse, touch and keyboard move it', async () => {
    await open();
    await addPhotos([{ name: 'photo.png', buffer: grayPng(480, 320) }]);
    await colorizeAll(1);
    await waitDone(1);
    const cmp = page.locator('.card .compare').first();
    const handle = cmp.locator('.handle');
    await cmp.scrollIntoViewIfNeeded();
    const box = (await cmp.boundingBox())!;
    const split = async (name: string, at: number) => {
      expect(Number(await handle.getAttribute('aria-valuenow'))).toBeCloseTo(at, 0);
      const img = await shot(cmp, name);
      const f = at / 100;
      // Rows in the lower part: away from the knob and the Before/After tags.
      if (f > 0.1) expect(region(img, 0.02, f - 0.06, 0.65, 0.95).meanChroma, `${name}: left of the line`).toBeLessThan(3);
      if (f < 0.9) expect(region(img, f + 0.06, 0.98, 0.65, 0.95).meanChroma, `${name}: right of the line`).toBeGreaterThan(40);
      // The line itself is white.
      expect(region(img, f - 0.002, f + 0.002, 0.65, 0.95, [255, 255, 255]).close).toBeGreaterThan(0);
    };
    await split('slider-50', 50);

    // Mouse: drag the line to 80%, then click at 20%.
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.5, { steps: 6 });
    await page.mouse.up();
    await split('slider-mouse-80', 80);
    await page.mouse.click(box.x + box.width * 0.2, box.y + box.height * 0.3);
    await split('slider-click-20', 20);

    // Touch (CDP touch events become touch pointer events).
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 });
    const y = box.y + box.height * 0.4;
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: box.x + box.width * 0.3, y }] });
    for (const f of [0.4, 0.5, 0.6, 0.7]) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: box.x + box.width * f, y }] });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: false });
    await cdp.detach();
    await split('slider-touch-70', 70);

    // Keyboard: the handle is an ARIA slider.
    await handle.focus();
    await page.keyboard.press('Home');
    expect(await handle.getAttribute('aria-valuenow')).toBe('0');
    await page.keyboard.press('End');
    expect(await handle.getAttribute('aria-valuenow')).toBe('100');
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Shift+ArrowRight');
    expect(await handle.getAttribute('aria-valuenow')).toBe('71');
    await page.keyboard.press('PageDown');
    await split('slider-keys-51', 51);
    expect(await handle.getAttribute('aria-valuetext')).toBe('51% original on the left, 49% colorized on the right');
    expect(pageErrors).toEqual([]);
  });

  it('full-size viewer: opens at 100%, pans by drag and arrow keys, zooms with the wheel and keys, closes with Escape', async () => {
    await open();
    await addPhotos([{ name: 'wide.png', buffer: grayPng(2000, 1200) }]);
    await colorizeAll(1);
    await waitDone(1);
    const zoomButton = page.locator('.card button.zoom').first();
    await zoomButton.click();
    await page.locator('#viewer').waitFor({ state: 'visible' });
    expect(await page.textContent('#zoom-level')).toBe('100%');
    const stage = page.locator('#viewport .compare');
    const size = () => stage.evaluate((el: any) => [el.offsetWidth, el.offsetHeight]);
    expect(await size()).toEqual([2000, 1200]); // one photo pixel per screen pixel (device pixel ratio 1 here)
    expect(await page.evaluate(() => document.activeElement.id)).toBe('viewport');
    const img = await shot(page.locator('#viewport'), 'viewer-100');
    // Centered at 100%: the split line is in the middle; gray original left, colorized right.
    expect(region(img, 0.05, 0.4, 0.1, 0.9).meanChroma).toBeLessThan(3);
    expect(region(img, 0.6, 0.95, 0.1, 0.9).meanChroma).toBeGreaterThan(40);

    const offset = () => stage.evaluate((el: any) => new (globalThis as any).DOMMatrix(getComputedStyle(el).transform).m41);
    const vp = (await page.locator('#viewport').boundingBox())!;
    const x0 = await offset();
    await page.mouse.move(vp.x + vp.width * 0.25, vp.y + vp.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(vp.x + vp.width * 0.25 + 150, vp.y + vp.height * 0.5, { steps: 5 });
    await page.mouse.up();
    expect((await offset()) - x0).toBeCloseTo(150, 0);
    await page.keyboard.press('ArrowRight');
    expect((await offset()) - x0).toBeCloseTo(90, 0);

    await page.mouse.move(vp.x + vp.width / 2, vp.y + vp.height / 2);
    await page.mouse.wheel(0, -200);
    await expect.poll(async () => Number((await page.textContent('#zoom-level'))!.replace('%', ''))).toBeGreaterThan(100);
    await page.keyboard.press('1');
    expect(await page.textContent('#zoom-level')).toBe('100%');
    await page.keyboard.press('+');
    expect(await page.textContent('#zoom-level')).toBe('125%');
    expect((await size())[0]).toBe(2500);
    await page.keyboard.press('0'); // fit
    const [fw, fh] = await size();
    expect(fw <= vp.width + 1 && fh <= vp.height + 1 && (Math.abs(fw - vp.width) < 2 || Math.abs(fh - vp.height) < 2)).toBe(true);
    const fit = await shot(page.locator('#viewport'), 'viewer-fit');
    expect(region(fit, 0.6, 0.9, 0.3, 0.7).meanChroma).toBeGreaterThan(40);
    await page.keyboard.press('Escape');
    await page.locator('#viewer').waitFor({ state: 'hidden' });
    expect(await zoomButton.evaluate((el: any) => el === document.activeElement)).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  // One retry: under a full suite on 2 cores the final Tab + Space once timed out waiting for the download.
  it('keyboard only: tab order, Enter and Space, hints, slider arrows and the viewer, with a visible focus ring', { retry: 1 }, async () => {
    const chooserSeen = page.waitForEvent('filechooser', { timeout: 120_000 });
    await open();
    const order: string[] = [];
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => document.activeElement.id || document.activeElement.className));
    }
    expect(order).toEqual([
      'drop', 'prompt', 'negative', 'samples', 'steps', 'guidance', 'temperature', 'anchor', 'seed', 'new-seed', 'strength',
      'tool', 'hint-color', 'hint-radius', 'stroke-width', 'reference', 'palette', 'format', 'scheduler', 'model',
    ]);
    // The focus ring: blue pixels around the focused button, none when nothing is focused.
    await page.locator('#new-seed').evaluate((el: any) => el.blur());
    const ringBox = async () => {
      const b = (await page.locator('#new-seed').boundingBox())!;
      return { x: b.x - 8, y: b.y - 8, width: b.width + 16, height: b.height + 16 };
    };
    const idle = await raster(await page.screenshot({ clip: await ringBox() }));
    await page.locator('#seed').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement.id)).toBe('new-seed');
    const focusedPng = await page.screenshot({ clip: await ringBox() });
    writeFileSync(join(OUT, 'keyboard-focus-ring.png'), focusedPng);
    const focused = await raster(focusedPng);
    expect(region(idle, 0, 1, 0, 1, FOCUS).close).toBe(0);
    expect(region(focused, 0, 1, 0, 1, FOCUS).close).toBeGreaterThan(100);
    await page.keyboard.press('Space');
    expect(await page.inputValue('#seed')).toMatch(/^\d+$/);
    await page.fill('#seed', '5');

    // Enter on the drop zone opens the file chooser (listened for well before, so Playwright intercepts it).
    await page.locator('#drop').focus();
    await page.keyboard.press('Enter');
    const chooser = await chooserSeen;
    expect(chooser.isMultiple()).toBe(true);
    await chooser.setFiles({ name: 'keys.png', mimeType: 'image/png', buffer: grayPng(240, 160) });
    await page.locator('.card img.original').waitFor({ state: 'visible' });

    // A hint with the keyboard: focus the photo, move the marker, Enter pins it.
    await page.locator('.card .stage').focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Enter');
    expect(await page.locator('.card .dot').count()).toBe(1);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Delete');
    expect(await page.locator('.card .dot').count()).toBe(1);
    const marker = await shot(page.locator('.card .stage'), 'keyboard-hint-marker');
    expect(region(marker, 0.3, 0.5, 0.4, 0.6, FOCUS).close).toBeGreaterThan(20); // the keyboard marker ring

    // Colorize with Enter on the card's button.
    await page.locator('.card button.run').focus();
    await page.keyboard.press('Enter');
    await waitDone(1);
    expect(fake.optionsSeen.at(-1)!.hints).toEqual([{ x: Math.round(0.4 * 239), y: Math.round(0.5 * 159), color: '#cc2200' }]);

    // Focus stayed on the card's button through the run; Shift+Tab walks back to the slider; arrows move it.
    expect(await page.evaluate(() => document.activeElement.className)).toBe('run');
    for (let i = 0; i < 10 && !(await page.evaluate(() => document.activeElement.classList.contains('handle'))); i++) await page.keyboard.press('Shift+Tab');
    const handle = page.locator('.card .handle').first();
    expect(await handle.evaluate((el: any) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await handle.getAttribute('aria-valuenow')).toBe('40');
    const slider = await shot(page.locator('.card .compare').first(), 'keyboard-slider');
    expect(region(slider, 0.3, 0.5, 0.3, 0.7, FOCUS).close).toBeGreaterThan(30); // the ring on the knob
    expect(region(slider, 0.02, 0.34, 0.65, 0.95).meanChroma).toBeLessThan(3);
    expect(region(slider, 0.46, 0.98, 0.65, 0.95).meanChroma).toBeGreaterThan(40);

    // Tab on to Zoom, Enter opens the viewer, keys zoom, Escape closes and focus comes back.
    await page.keyboard.press('Tab'); // the seed button in the caption
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement.className)).toBe('small zoom');
    await page.keyboard.press('Enter');
    await page.locator('#viewer').waitFor({ state: 'visible' });
    await page.keyboard.press('+');
    expect(await page.textContent('#zoom-level')).toBe('125%');
    await page.keyboard.press('Escape');
    await page.locator('#viewer').waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement.className)).toBe('small zoom');
    await page.keyboard.press('Tab');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Space')]);
    expect(download.suggestedFilename()).toBe('keys_colorized_1.png');
    expect(pageErrors).toEqual([]);
  });

  it('refuses non-images in the page before any upload', async () => {
    await open();
    const posts: string[] = [];
    const onRequest = (request: { method(): string; url(): string }) => {
      if (request.method() === 'POST') posts.push(request.url());
    };
    page.on('request', onRequest);
    await addPhotos([
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image at all') },
      { name: 'fake.png', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>') },
      { name: 'empty.png', buffer: Buffer.alloc(0) },
      { name: 'good.png', buffer: grayPng(64, 48) },
    ]);
    await page.locator('#file-error').waitFor({ state: 'visible' });
    const text = (await page.textContent('#file-error'))!;
    expect(text).toContain('3 files were not added');
    expect(text).toContain('\u201cnotes.txt\u201d is not an image (its type is text/plain).');
    expect(text).toContain('\u201cfake.png\u201d is not really an image: its contents are not a format the server reads.');
    expect(text).toContain('The server reads PNG, JPEG, WebP, GIF, TIFF, AVIF and HEIF.');
    expect(text).toContain('\u201cempty.png\u201d is empty.');
    expect(await page.locator('.card-title').allTextContents()).toEqual(['good.png']);
    const banner = await shot(page.locator('#file-error'), 'bad-file-banner');
    expect(region(banner, 0, 3 / banner.width, 0.1, 0.9, ERROR_RED).share).toBeGreaterThan(0.8);
    expect(region(banner, 0.7, 0.99, 0.05, 0.95, ERROR_BG).share).toBeGreaterThan(0.5);
    // A bad reference photo is refused too.
    await page.setInputFiles('#reference', { name: 'ref.png', mimeType: 'image/png', buffer: Buffer.from('nope, not a png file') });
    await expect.poll(() => page.textContent('#form-error')).toContain('The reference photo was not used.');
    expect(await page.inputValue('#reference')).toBe('');
    expect(posts).toEqual([]);
    page.off('request', onRequest);
    expect(pageErrors).toEqual([]);
  });

  it('shows server errors in plain words with the code in small print', async () => {
    const catalog = await catalogDependencies(TINY_PACK);
    const failing = new FakeLibrary({ steps: 4, stepMs: 5, failAt: { step: 2, error: new ModelRunError('ONNX Runtime: out of memory in prior.onnx') } });
    const strict = await createServer({ colorize: failing.colorize, probe: catalog.probe, maxPixels: 10_000 });
    const strictBase = await strict.listen({ port: 0, host: '127.0.0.1' });
    try {
      await open(`${strictBase}/`);
      await addPhotos([
        { name: 'big.png', buffer: grayPng(240, 160) },
        { name: 'small.png', buffer: grayPng(64, 48) },
      ]);
      await expect.poll(() => page.locator('.card').count()).toBe(2);
      await colorizeAll(1);
      const big = page.locator('.card').nth(0).locator('.card-error');
      const small = page.locator('.card').nth(1).locator('.card-error');
      await big.waitFor({ state: 'visible' });
      await small.waitFor({ state: 'visible' });
      expect(await big.locator('strong').textContent()).toBe('The server could not use this photo.');
      expect(await big.locator('.code').textContent()).toBe('Error code: INPUT_IMAGE');
      expect(await big.locator('p').textContent()).toMatch(/pixel/i);
      expect(await small.locator('strong').textContent()).toBe('The colorizer failed while running the model.');
      expect(await small.locator('p').textContent()).toContain('out of memory');
      expect(await small.locator('.code').textContent()).toBe('Error code: MODEL_RUN');
      expect(await page.locator('.card-state').allTextContents()).toEqual(['Failed', 'Failed']);
      expect(await page.textContent('#colorize')).toBe('Colorize 2 photos'); // both can be tried again
      const img = await shot(small, 'server-error');
      expect(region(img, 0, 3 / img.width, 0.1, 0.9, ERROR_RED).share).toBeGreaterThan(0.8);
      expect(region(img, 0.7, 0.99, 0.05, 0.95, ERROR_BG).share).toBeGreaterThan(0.5);
      // The code is small print: its text is smaller than the plain sentence.
      const sizes = await small.evaluate((el: any) => [parseFloat(getComputedStyle(el.querySelector('strong')).fontSize), parseFloat(getComputedStyle(el.querySelector('.code')).fontSize)]);
      expect(sizes[1]).toBeLessThan(sizes[0]!);
      expect(pageErrors).toEqual([]);
    } finally {
      await strict.close();
    }
  });

  it('works at phone width (375 px) without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await open();
    await addPhotos([{ name: 'phone.png', buffer: grayPng(1200, 800) }]);
    await colorizeAll(1);
    await waitDone(1);
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    expect(widths[0]).toBeLessThanOrEqual(widths[1]!);
    const full = await shot(page, 'phone-375', { fullPage: true });
    expect(full.width).toBe(375);
    // Where the result is on the whole page (bounding boxes are relative to the scrolled viewport).
    const cmp = await page.locator('.card .compare').evaluate((el: any) => {
      const r = el.getBoundingClientRect();
      return { x: r.left + (globalThis as any).scrollX, y: r.top + (globalThis as any).scrollY, width: r.width, height: r.height };
    });
    expect(cmp.x).toBeGreaterThanOrEqual(0);
    expect(cmp.x + cmp.width).toBeLessThanOrEqual(375);
    // The result is on the page, inside its width: gray left of the line, colorful right of it.
    const top = (cmp.y + cmp.height * 0.7) / full.height;
    const bottom = (cmp.y + cmp.height * 0.95) / full.height;
    expect(region(full, (cmp.x + cmp.width * 0.6) / 375, (cmp.x + cmp.width * 0.95) / 375, top, bottom).meanChroma).toBeGreaterThan(40);
    expect(region(full, (cmp.x + cmp.width * 0.05) / 375, (cmp.x + cmp.width * 0.4) / 375, top, bottom).meanChroma).toBeLessThan(3);
    // The viewer fits too.
    await page.locator('.card button.zoom').first().click();
    await page.locator('#viewer').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => document.getElementById('viewer').scrollWidth)).toBeLessThanOrEqual(375);
    await shot(page, 'phone-375-viewer');
    await page.keyboard.press('Escape');
    expect(pageErrors).toEqual([]);
  });
});
