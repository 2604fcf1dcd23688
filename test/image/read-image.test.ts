import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputImageError, OptionsError } from '../../src/errors/index.js';
import { probeImage, readImage } from '../../src/image/index.js';
import { halves, headerOnlyPng, noise, raw } from './fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cw-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const px = (rgb: Uint8Array | Uint16Array, i: number) => [rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]];

describe('readImage: formats', () => {
  it('reads an 8-bit RGB PNG exactly, from a Buffer, a Uint8Array and a path', async () => {
    const data = noise(7, 5, 3);
    const png = await raw(data, 7, 5, 3).png().toBuffer();
    const path = join(dir, 'noise.png');
    await writeFile(path, png);
    for (const input of [png, new Uint8Array(png), path]) {
      const image = await readImage(input);
      expect(image).toMatchObject({ width: 7, height: 5, bitDepth: 8, format: 'png' });
      expect(image.rgb).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(image.rgb)).toEqual(data);
      expect(image.alpha).toBeUndefined();
      expect(image.metadata).toMatchObject({ wasGray: false, hasAlpha: false });
    }
  });

  it('reads 16-bit PNG as 16 bits', async () => {
    const data = new Uint16Array(4 * 3 * 3).map((_, i) => i * 1000 + 7);
    const png = await raw(data, 4, 3, 3).toColourspace('rgb16').png().toBuffer();
    const image = await readImage(png);
    expect(image.bitDepth).toBe(16);
    expect(image.rgb).toBeInstanceOf(Uint16Array);
    expect(Array.from(image.rgb)).toEqual(Array.from(data));
  });

  it('reads palette PNG, gray PNG, 16-bit gray and gray + alpha (alpha kept aside)', async () => {
    const palette = await raw(halves(8, 4, [200, 30, 30], [20, 40, 220]), 8, 4, 3).png({ palette: true }).toBuffer();
    const p = await readImage(palette);
    expect(px(p.rgb, 0)).toEqual([200, 30, 30]);
    expect(px(p.rgb, 7)).toEqual([20, 40, 220]);

    const gray = await raw(Buffer.from([0, 64, 128, 255]), 2, 2, 1).png().toBuffer();
    const g = await readImage(gray);
    expect(Array.from(g.rgb)).toEqual([0, 0, 0, 64, 64, 64, 128, 128, 128, 255, 255, 255]);
    expect(g.metadata.wasGray).toBe(true);

    const gray16 = await raw(new Uint16Array([0, 1000, 40000, 65535]), 2, 2, 1).toColourspace('grey16').png().toBuffer();
    const g16 = await readImage(gray16);
    expect(g16.bitDepth).toBe(16);
    expect(Array.from(g16.rgb)).toEqual([0, 0, 0, 1000, 1000, 1000, 40000, 40000, 40000, 65535, 65535, 65535]);

    const grayAlpha = await raw(Buffer.from([10, 255, 20, 128, 30, 0, 40, 7]), 2, 2, 2).png().toBuffer();
    const ga = await readImage(grayAlpha);
    expect(Array.from(ga.rgb)).toEqual([10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40]);
    expect(Array.from(ga.alpha ?? [])).toEqual([255, 128, 0, 7]);
    expect(ga.metadata).toMatchObject({ wasGray: true, hasAlpha: true });
  });

  it('counts a gray photo saved as RGB as gray', async () => {
    const jpeg = await raw(Buffer.alloc(16 * 16 * 3, 90), 16, 16, 3).jpeg().toBuffer();
    expect((await readImage(jpeg)).metadata.wasGray).toBe(true);
  });

  it('reads JPEG, WebP, AVIF, TIFF (8, 16-bit, CMYK) and GIF', async () => {
    const base = raw(halves(16, 8, [220, 40, 40], [40, 40, 220]), 16, 8, 3);
    const cases: [string, Buffer][] = [
      ['jpeg', await base.clone().jpeg({ quality: 95 }).toBuffer()],
      ['webp', await base.clone().webp({ lossless: true }).toBuffer()],
      ['avif', await base.clone().avif({ lossless: true }).toBuffer()],
      ['tiff', await base.clone().tiff().toBuffer()],
      ['tiff', await base.clone().toColourspace('rgb16').tiff().toBuffer()],
      ['tiff', await base.clone().toColourspace('cmyk').tiff().toBuffer()],
      ['gif', await base.clone().gif().toBuffer()],
    ];
    for (const [format, buffer] of cases) {
      const image = await readImage(buffer);
      expect(image.format).toBe(format);
      expect([image.width, image.height]).toEqual([16, 8]);
      const scale = image.bitDepth === 16 ? 257 : 1;
      const left = px(image.rgb, 8 * 4 + 2).map((v) => v / scale);
      const right = px(image.rgb, 8 * 4 + 13).map((v) => v / scale);
      // CMYK goes through a generic profile and lossy codecs blur a little: reds stay red, blues blue.
      expect(left[0]).toBeGreaterThan(left[2] + 100);
      expect(right[2]).toBeGreaterThan(right[0] + 100);
    }
  });

  it('decodes only the first frame of an animated GIF and reports the page count', async () => {
    const frames = Buffer.concat([halves(6, 4, [255, 0, 0], [255, 0, 0]), halves(6, 4, [0, 0, 255], [0, 0, 255])]);
    const gif = await sharp(frames, { raw: { width: 6, height: 8, channels: 3, pageHeight: 4 } }).gif().toBuffer();
    const image = await readImage(gif);
    expect([image.width, image.height]).toEqual([6, 4]);
    expect(image.metadata.pages).toBe(2);
    expect(px(image.rgb, 0)[0]).toBeGreaterThan(200);
  });

  it('applies EXIF orientation and keeps the EXIF block', async () => {
    // 8×4 stored, left half red; orientation 6 means "rotate 90° clockwise to view".
    const jpeg = await raw(halves(8, 4, [255, 0, 0], [0, 0, 255]), 8, 4, 3)
      .jpeg({ quality: 100 })
      .withExif({ IFD0: { Copyright: 'cw test' } })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const image = await readImage(jpeg);
    expect([image.width, image.height]).toEqual([4, 8]);
    expect(image.metadata.orientation).toBe(6);
    expect(image.metadata.exif?.includes('cw test')).toBe(true);
    // After rotating clockwise the stored left (red) half is on top.
    expect(px(image.rgb, 1)[0]).toBeGreaterThan(200);
    expect(px(image.rgb, 7 * 4 + 1)[2]).toBeGreaterThan(200);
    expect(await probeImage(jpeg)).toEqual({ width: 4, height: 8, format: 'jpeg' });
  });

  it('converts ICC-tagged (Display P3) input to sRGB', async () => {
    // withIccProfile converts the sRGB pixels to P3 values and tags them: reading must convert back.
    const original = [128, 128, 128, 200, 120, 60];
    const p3 = await raw(Buffer.from(original), 2, 1, 3).withIccProfile('p3').png().toBuffer();
    const stored = await sharp(p3, { ignoreIcc: true }).raw().toBuffer();
    expect(Math.max(...original.map((v, i) => Math.abs(v - stored[i])))).toBeGreaterThan(5);
    const image = await readImage(p3);
    expect(image.metadata.icc?.length).toBeGreaterThan(0);
    expect(Math.max(...original.map((v, i) => Math.abs(v - image.rgb[i])))).toBeLessThanOrEqual(2);
  });
});

describe('readImage: refusals', () => {
  it('refuses a 30000×30000 PNG header in well under a second without decoding', async () => {
    const start = performance.now();
    for (const png of [headerOnlyPng(30000, 30000), headerOnlyPng(30000, 30000, { withIdat: true })]) {
      await expect(readImage(png)).rejects.toThrow(/30000×30000 = 900000000 pixels exceeds the limit of 100000000 pixels/);
      await expect(probeImage(png)).rejects.toBeInstanceOf(InputImageError);
      const path = join(dir, 'bomb.png');
      await writeFile(path, png);
      await expect(readImage(path)).rejects.toThrow(/exceeds the limit/);
    }
    expect(performance.now() - start).toBeLessThan(500);
  });

  it('checks the limit from the header of other formats too (sharp metadata)', async () => {
    const jpeg = await raw(noise(300, 200, 3), 300, 200, 3).jpeg().toBuffer();
    const start = performance.now();
    await expect(readImage(jpeg, { maxPixels: 59_999 })).rejects.toThrow(/300×200 = 60000 pixels exceeds the limit of 59999/);
    expect(performance.now() - start).toBeLessThan(500);
  });

  it('applies a custom pixel limit', async () => {
    const png = await raw(noise(10, 10, 3), 10, 10, 3).png().toBuffer();
    await expect(readImage(png, { maxPixels: 99 })).rejects.toThrow(/100 pixels exceeds the limit of 99/);
    await expect(readImage(png, { maxPixels: 100 })).resolves.toMatchObject({ width: 10 });
    await expect(readImage(png, { maxInputBytes: 10 })).rejects.toThrow(/bytes exceeds the limit of 10 bytes/);
    await expect(readImage(png, { maxPixels: -1 })).rejects.toBeInstanceOf(OptionsError);
  });

  it('refuses empty, missing, directory and non-image inputs', async () => {
    const empty = join(dir, 'empty.png');
    await writeFile(empty, '');
    const text = join(dir, 'notes.txt');
    await writeFile(text, 'just some words, not an image\n');
    const cases: [string | Buffer | Uint8Array, RegExp][] = [
      [Buffer.alloc(0), /empty \(0 bytes\)/],
      [new Uint8Array(0), /empty \(0 bytes\)/],
      [empty, /empty \(0 bytes\)/],
      [join(dir, 'missing.png'), /file not found/],
      [dir, /expected a file, got a directory/],
      [text, /not a supported image/],
      [noise(4096, 1, 1), /not a supported image/],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), /format 'svg' is not supported/],
    ];
    for (const [input, message] of cases) {
      const error = await readImage(input).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, String(message)).toBeInstanceOf(InputImageError);
      expect((error as Error).message).toMatch(message);
    }
    await expect(readImage(42 as unknown as string)).rejects.toThrow(/expected a file path, Buffer or Uint8Array, got number/);
  });

  it('refuses truncated and corrupted files', async () => {
    const jpeg = await raw(noise(64, 64, 3), 64, 64, 3).jpeg().toBuffer();
    await expect(readImage(jpeg.subarray(0, jpeg.length >> 1))).rejects.toThrow(/truncated or corrupted/);
    const png = await raw(noise(64, 64, 3), 64, 64, 3).png().toBuffer();
    await expect(readImage(png.subarray(0, png.length >> 1))).rejects.toThrow(InputImageError);
    await expect(readImage(jpeg.subarray(0, 20))).rejects.toThrow(InputImageError);
    const corrupt = Buffer.from(png);
    corrupt.fill(0xaa, 100, 400); // inside IDAT: checksum and inflate fail
    await expect(readImage(corrupt)).rejects.toThrow(InputImageError);
  });

  it('refuses zero-size images', async () => {
    for (const png of [headerOnlyPng(0, 10), headerOnlyPng(10, 0, { withIdat: true })]) {
      const error = await readImage(png).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputImageError);
      expect((error as InputImageError).message).toMatch(/zero-size image/);
      expect((error as InputImageError).details).toMatchObject({ name: '<buffer of ' + png.length + ' bytes>' });
    }
  });
});
