import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OptionsError, OutputError } from '../../src/errors/index.js';
import { encodeImage, formatFromPath, isColorWizardOutput, readImage, writeImage } from '../../src/image/index.js';
import { halves, noise, raw } from './fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cw-write-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const image8 = { width: 9, height: 6, rgb: new Uint8Array(noise(9, 6, 3)) };

describe('encodeImage', () => {
  it('writes lossless PNG at 8 and 16 bits', async () => {
    const back = await readImage(await encodeImage(image8));
    expect(back.bitDepth).toBe(8);
    expect(Buffer.from(back.rgb)).toEqual(Buffer.from(image8.rgb));

    const rgb16 = new Uint16Array(9 * 6 * 3).map((_, i) => (i * 1237) % 65536);
    const back16 = await readImage(await encodeImage({ width: 9, height: 6, rgb: rgb16 }));
    expect(back16.bitDepth).toBe(16);
    expect(Array.from(back16.rgb)).toEqual(Array.from(rgb16));

    const widened = await readImage(await encodeImage(image8, { bitDepth: 16 }));
    expect(Array.from(widened.rgb)).toEqual(Array.from(image8.rgb, (v) => v * 257));
    const narrowed = await readImage(await encodeImage({ width: 9, height: 6, rgb: Uint16Array.from(image8.rgb, (v) => v * 257) }, { bitDepth: 8 }));
    expect(Buffer.from(narrowed.rgb)).toEqual(Buffer.from(image8.rgb));
  });

  it('re-attaches alpha (PNG, WebP) and flattens it over white for JPEG', async () => {
    const alpha = new Uint8Array(9 * 6).map((_, i) => (i * 37) % 256);
    const png = await readImage(await encodeImage({ ...image8, alpha }));
    expect(Array.from(png.alpha ?? [])).toEqual(Array.from(alpha));
    expect(Buffer.from(png.rgb)).toEqual(Buffer.from(image8.rgb));
    const webp = await readImage(await encodeImage({ ...image8, alpha }, { format: 'webp', quality: 100 }));
    expect(webp.alpha).toBeDefined();
    const clear = { width: 2, height: 1, rgb: new Uint8Array([0, 0, 0, 0, 0, 0]), alpha: new Uint8Array([0, 0]) };
    const jpeg = await readImage(await encodeImage(clear, { format: 'jpeg' }));
    expect(jpeg.alpha).toBeUndefined();
    expect(jpeg.rgb[0]).toBeGreaterThan(250);
  });

  it('writes JPEG, WebP and AVIF that decode to the same picture', async () => {
    const picture = { width: 32, height: 16, rgb: new Uint8Array(halves(32, 16, [200, 40, 40], [40, 60, 200])) };
    for (const format of ['jpeg', 'webp', 'avif'] as const) {
      const back = await readImage(await encodeImage(picture, { format, quality: 90 }));
      expect(back.format).toBe(format);
      expect([back.width, back.height]).toEqual([32, 16]);
      const i = 8 * 32 + 4;
      expect(Math.abs(back.rgb[3 * i] - 200)).toBeLessThan(12);
    }
  });

  it('keeps EXIF (orientation reset to 1), embeds sRGB for ICC input, keeps density', async () => {
    const source = await raw(halves(8, 4, [255, 0, 0], [0, 0, 255]), 8, 4, 3)
      .jpeg()
      .withExif({ IFD0: { Copyright: 'kept by cw' } })
      .withMetadata({ orientation: 6, density: 300 })
      .withIccProfile('p3')
      .toBuffer();
    const decoded = await readImage(source);
    for (const format of ['png', 'jpeg', 'webp', 'avif'] as const) {
      const out = await encodeImage(decoded, { format, keepMetadata: true, metadata: decoded.metadata });
      const meta = await sharp(out).metadata();
      expect(meta.exif?.includes('kept by cw'), format).toBe(true);
      expect(meta.orientation ?? 1, format).toBe(1);
      expect(meta.icc, format).toBeDefined();
      expect(meta.icc?.includes('sRGB') || meta.icc?.includes('s\0R\0G\0B'), format).toBe(true);
      const again = await readImage(out);
      expect([again.width, again.height]).toEqual([4, 8]);
    }
    const plain = await sharp(await encodeImage(decoded, { format: 'jpeg' })).metadata();
    // Nothing of the input's EXIF; only the Software tag that marks our outputs.
    expect(plain.exif?.includes('kept by cw') ?? false).toBe(false);
    const dense = await sharp(await encodeImage(decoded, { keepMetadata: true, metadata: decoded.metadata })).metadata();
    expect(Math.round(dense.density ?? 0)).toBe(300);
  });

  it('refuses bad options and mismatched buffers with OptionsError', async () => {
    await expect(encodeImage(image8, { format: 'gif' as 'png' })).rejects.toThrow(/expected one of png, jpeg, webp, avif, got 'gif'/);
    await expect(encodeImage(image8, { format: 'jpeg', bitDepth: 16 })).rejects.toThrow(/only PNG supports it/);
    await expect(encodeImage(image8, { format: 'jpeg', quality: 0 })).rejects.toThrow(/integer 1..100, got 0/);
    await expect(encodeImage({ ...image8, rgb: new Uint8Array(5) })).rejects.toBeInstanceOf(OptionsError);
    await expect(encodeImage({ ...image8, alpha: new Uint8Array(3) })).rejects.toThrow(/alpha of 54 values, got 3/);
  });
});

describe('PNG metadata chunks', () => {
  const chunkTypes = (png: Buffer): string[] => {
    const types: string[] = [];
    for (let at = 8; at + 12 <= png.length; at += 12 + png.readUInt32BE(at)) types.push(png.toString('latin1', at + 4, at + 8));
    return types;
  };

  it('writes one eXIf chunk for an input with EXIF, ICC and density (libvips adds one of its own)', async () => {
    const jpeg = await sharp(Buffer.from(image8.rgb), { raw: { width: 9, height: 6, channels: 3 } })
      .withExif({ IFD0: { Artist: 'the photographer' } })
      .withMetadata({ density: 300 })
      .jpeg()
      .toBuffer();
    const input = await readImage(jpeg);
    const png = await encodeImage(input, { format: 'png', keepMetadata: true, metadata: input.metadata });
    expect(chunkTypes(png).filter((t) => t === 'eXIf')).toHaveLength(1);
    const meta = await sharp(png).metadata();
    expect(meta.exif?.includes('the photographer')).toBe(true);
    expect(meta.density).toBe(300);
  });

  it('marks every output as written by Color Wizard, in every format', async () => {
    for (const format of ['png', 'jpeg', 'webp', 'avif'] as const) {
      expect(await isColorWizardOutput(await encodeImage(image8, { format }))).toBe(true);
    }
    expect(await isColorWizardOutput(await sharp(Buffer.from(image8.rgb), { raw: { width: 9, height: 6, channels: 3 } }).png().toBuffer())).toBe(false);
  });
});

describe('writeImage and formatFromPath', () => {
  it('picks the format from the extension', () => {
    expect(formatFromPath('a/b.PNG')).toBe('png');
    expect(formatFromPath('x.jpg')).toBe('jpeg');
    expect(formatFromPath('x.jpeg')).toBe('jpeg');
    expect(formatFromPath('x.webp')).toBe('webp');
    expect(formatFromPath('x.avif')).toBe('avif');
    expect(() => formatFromPath('x.gif')).toThrow(OptionsError);
    expect(() => formatFromPath('x.gif')).toThrow(/expected an extension of \.png, \.jpg, \.jpeg, \.webp, \.avif, got '\.gif'/);
    expect(() => formatFromPath('noext')).toThrow(/got none/);
  });

  it('writes atomically, leaving no temporary files', async () => {
    const path = join(dir, 'out.jpg');
    await writeImage(path, image8);
    expect((await readImage(path)).format).toBe('jpeg');
    await writeImage(join(dir, 'forced.bin'), image8, { format: 'png' });
    expect((await readImage(join(dir, 'forced.bin'))).format).toBe('png');
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('fails with OutputError for an unwritable place and keeps the old file on failure', async () => {
    const error = await writeImage(join(dir, 'no', 'such', 'dir', 'x.png'), image8).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as OutputError).message).toMatch(/Cannot write .*x\.png: no such folder \(ENOENT\)/);
    const path = join(dir, 'keep.png');
    await writeImage(path, image8);
    const before = await readFile(path);
    await expect(writeImage(path, { ...image8, rgb: new Uint8Array(1) })).rejects.toBeInstanceOf(OptionsError);
    expect(await readFile(path)).toEqual(before);
  });

  it('refuses an existing file unless overwrite is set, and leaves no temporary file either way', async () => {
    const path = join(dir, 'exists.png');
    await writeImage(path, image8);
    const before = await readFile(path);
    const error = await writeImage(path, { ...image8, rgb: new Uint8Array(9 * 6 * 3) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as OutputError).details).toMatchObject({ path, code: 'EEXIST' });
    expect(await readFile(path)).toEqual(before);
    await writeImage(path, { ...image8, rgb: new Uint8Array(9 * 6 * 3) }, { overwrite: true });
    expect(await readFile(path)).not.toEqual(before);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
