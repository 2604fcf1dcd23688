/**
 * Header-only checks shared by probeImage and readImage: supported format, non-zero size and the
 * pixel limit, all decided from metadata before any pixel is decoded or allocated.
 */
import { open } from 'node:fs/promises';
import { InputImageError } from '../errors/index.js';
import type { ImageSource } from './image-source.js';
import { sharp, type Metadata } from './sharp-instance.js';

/** Decoders we accept, by sharp's format id (AVIF arrives as 'heif' with av1 compression). */
export const SUPPORTED_INPUT_FORMATS = Object.freeze(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif'] as const);

export interface ImageHeader {
  metadata: Metadata;
  /** Reported format: sharp's id, except 'avif' for AV1-compressed HEIF. */
  format: string;
  /** Dimensions of the first page after EXIF orientation. */
  width: number;
  height: number;
}

export async function readImageHeader(source: ImageSource, maxPixels: number): Promise<ImageHeader> {
  // PNG is the classic decompression bomb and libvips will not even parse a header-only PNG, so its
  // IHDR is checked by hand first; every format is checked again from sharp's metadata below.
  const png = sniffPngSize(await leadingBytes(source, 24));
  if (png !== undefined) checkSize(source, png.width, png.height, maxPixels);
  let metadata: Metadata;
  try {
    // Our own limit is applied below with a clearer message; metadata() allocates no pixels.
    metadata = await sharp(source.input, { limitInputPixels: false }).metadata();
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    const unsupported = /unsupported image format/i.test(message);
    throw new InputImageError(
      unsupported
        ? `Input image ${source.name}: not a supported image (expected ${SUPPORTED_INPUT_FORMATS.join(', ')} or AVIF)`
        : `Input image ${source.name}: cannot read the image header, the file is corrupted or truncated (${message})`,
      { cause, details: { name: source.name, reason: message } },
    );
  }
  const id = String(metadata.format);
  if (!(SUPPORTED_INPUT_FORMATS as readonly string[]).includes(id)) {
    throw new InputImageError(
      `Input image ${source.name}: format '${id}' is not supported (expected ${SUPPORTED_INPUT_FORMATS.join(', ')} or AVIF)`,
      { details: { name: source.name, format: id, allowed: [...SUPPORTED_INPUT_FORMATS, 'avif'] } },
    );
  }
  const format = id === 'heif' && metadata.compression === 'av1' ? 'avif' : id;
  // Multi-page files report the whole strip for some formats; only the first page is decoded.
  const storedWidth = metadata.width ?? 0;
  const storedHeight = metadata.pageHeight ?? metadata.height ?? 0;
  checkSize(source, storedWidth, storedHeight, maxPixels);
  const swap = (metadata.orientation ?? 1) >= 5;
  return { metadata, format, width: swap ? storedHeight : storedWidth, height: swap ? storedWidth : storedHeight };
}

function checkSize(source: ImageSource, width: number, height: number, maxPixels: number): void {
  if (width <= 0 || height <= 0) {
    throw new InputImageError(`Input image ${source.name}: zero-size image (${width}×${height})`, {
      details: { name: source.name, width, height },
    });
  }
  const pixels = width * height;
  if (pixels > maxPixels) {
    throw new InputImageError(`Input image ${source.name}: ${width}×${height} = ${pixels} pixels exceeds the limit of ${maxPixels} pixels`, {
      details: { name: source.name, width, height, pixels, maxPixels },
    });
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR (signature, length, "IHDR", width, height), if these bytes start one. */
function sniffPngSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

async function leadingBytes(source: ImageSource, count: number): Promise<Buffer> {
  if (typeof source.input !== 'string') return source.input.subarray(0, count);
  const handle = await open(source.input, 'r');
  try {
    const buffer = Buffer.alloc(count);
    const { bytesRead } = await handle.read(buffer, 0, count, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
