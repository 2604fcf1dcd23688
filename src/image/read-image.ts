/**
 * Decode any supported file to interleaved sRGB at 8 or 16 bits: EXIF orientation applied,
 * ICC (or CMYK) converted to sRGB, gray expanded to three channels, alpha kept aside.
 */
import { InputImageError } from '../errors/index.js';
import type { DecodedImage } from './decoded-image.js';
import { openImageSource } from './image-source.js';
import { resolveLimits, type ImageLimits } from './image-limits.js';
import { readImageHeader } from './read-image-header.js';
import { sharp } from './sharp-instance.js';

/** Largest channel spread (in 8-bit codes) still counted as a neutral pixel for `wasGray`. */
const NEUTRAL_SPREAD_8 = 2;

export async function readImage(input: string | Buffer | Uint8Array, options?: ImageLimits): Promise<DecodedImage> {
  const limits = resolveLimits(options);
  const source = await openImageSource(input, limits.maxInputBytes);
  const header = await readImageHeader(source, limits.maxPixels);
  const { metadata } = header;
  const sixteen = metadata.depth !== 'uchar' && metadata.depth !== 'char';
  let data: Buffer;
  let channels: number;
  let width: number;
  let height: number;
  try {
    const result = await sharp(source.input, {
      // Belt and braces: the header check above already refused larger images.
      limitInputPixels: limits.maxPixels,
      // Truncated or corrupt pixel data fails; mere decoder warnings (common in camera JPEGs) do not.
      failOn: 'error',
      autoOrient: true,
      sequentialRead: true,
      page: 0,
      pages: 1,
    })
      .toColourspace(sixteen ? 'rgb16' : 'srgb')
      .raw({ depth: sixteen ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
    data = result.data;
    ({ channels, width, height } = result.info);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    const hint = header.format === 'heif' ? '; HEIC (HEVC) decoding is not available in this build, AVIF is' : '';
    throw new InputImageError(
      `Input image ${source.name}: cannot decode the ${header.format} pixel data, the file is truncated or corrupted (${message})${hint}`,
      { cause, details: { name: source.name, format: header.format, reason: message } },
    );
  }
  if (channels !== 3 && channels !== 4) {
    throw new InputImageError(`Input image ${source.name}: expected 3 or 4 channels after sRGB conversion, got ${channels}`, {
      details: { name: source.name, channels },
    });
  }
  const samples = sixteen
    ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const { rgb, alpha } = channels === 4 ? splitAlpha(samples, width * height) : { rgb: samples, alpha: undefined };
  const storedGray = metadata.space === 'b-w' || metadata.space === 'grey16' || metadata.channels - (metadata.hasAlpha ? 1 : 0) === 1;
  return {
    width,
    height,
    rgb,
    bitDepth: sixteen ? 16 : 8,
    ...(alpha === undefined ? {} : { alpha }),
    format: header.format,
    metadata: {
      ...(metadata.exif === undefined ? {} : { exif: metadata.exif }),
      ...(metadata.icc === undefined ? {} : { icc: metadata.icc }),
      ...(metadata.orientation === undefined ? {} : { orientation: metadata.orientation }),
      ...(metadata.density === undefined ? {} : { density: metadata.density }),
      wasGray: storedGray || isNeutral(rgb, sixteen ? NEUTRAL_SPREAD_8 * 257 : NEUTRAL_SPREAD_8),
      hasAlpha: alpha !== undefined,
      ...(metadata.pages === undefined ? {} : { pages: metadata.pages }),
    },
  };
}

function splitAlpha<T extends Uint8Array | Uint16Array>(rgba: T, n: number): { rgb: T; alpha: T } {
  const Ctor = rgba.constructor as new (length: number) => T;
  const rgb = new Ctor(n * 3);
  const alpha = new Ctor(n);
  for (let i = 0, p = 0, q = 0; i < n; i++, p += 4, q += 3) {
    rgb[q] = rgba[p];
    rgb[q + 1] = rgba[p + 1];
    rgb[q + 2] = rgba[p + 2];
    alpha[i] = rgba[p + 3];
  }
  return { rgb, alpha };
}

function isNeutral(rgb: Uint8Array | Uint16Array, spread: number): boolean {
  for (let p = 0; p < rgb.length; p += 3) {
    const r = rgb[p];
    const g = rgb[p + 1];
    const b = rgb[p + 2];
    if (Math.max(r, g, b) - Math.min(r, g, b) > spread) return false;
  }
  return true;
}
