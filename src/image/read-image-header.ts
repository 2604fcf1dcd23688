/**
 * Header-only checks shared by probeImage and readImage: supported format, non-zero size and the
 * pixel limit, all decided from metadata before any pixel is decoded or allocated.
 */
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
  let metadata: Metadata;
  try {
    metadata = await sharp(source.input).metadata();
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
  if (storedWidth <= 0 || storedHeight <= 0) {
    throw new InputImageError(`Input image ${source.name}: zero-size image (${storedWidth}×${storedHeight})`, {
      details: { name: source.name, width: storedWidth, height: storedHeight },
    });
  }
  const pixels = storedWidth * storedHeight;
  if (pixels > maxPixels) {
    throw new InputImageError(
      `Input image ${source.name}: ${storedWidth}×${storedHeight} = ${pixels} pixels exceeds the limit of ${maxPixels} pixels`,
      { details: { name: source.name, width: storedWidth, height: storedHeight, pixels, maxPixels } },
    );
  }
  const swap = (metadata.orientation ?? 1) >= 5;
  return { metadata, format, width: swap ? storedHeight : storedWidth, height: swap ? storedWidth : storedHeight };
}
