/**
 * Encode interleaved sRGB (+ optional alpha) to PNG, JPEG, WebP or AVIF in memory.
 */
import { OptionsError, OutputError } from '../errors/index.js';
import type { DecodedImageMetadata, RgbImage } from './decoded-image.js';
import { exifTiffBytes, withOrientationReset } from './exif-block.js';
import { OUTPUT_FORMATS, type OutputFormat } from './format-from-path.js';
import { OUTPUT_SOFTWARE } from './output-marker.js';
import { insertAfterIhdr, pngChunk, withoutChunks } from './png-chunks.js';
import { sharp, type Sharp } from './sharp-instance.js';

export interface EncodeOptions {
  /** Default 'png'. */
  format?: OutputFormat;
  /** 16 is for PNG only; default: the depth of `rgb` for PNG, 8 otherwise. */
  bitDepth?: 8 | 16;
  /** 1..100 for JPEG, WebP, AVIF (defaults 90, 90, 60); ignored for PNG. */
  quality?: number;
  /**
   * Re-embed metadata from `metadata`: EXIF with orientation reset to 1 (pixels are upright) and
   * density. Where an ICC profile was given, the sRGB profile is embedded instead, because the
   * pixels were converted to sRGB on reading.
   */
  keepMetadata?: boolean;
  metadata?: DecodedImageMetadata;
}

const SOFTWARE_EXIF = { IFD0: { Software: OUTPUT_SOFTWARE } };
const SOFTWARE_TEXT = pngChunk('tEXt', Buffer.from(`Software\0${OUTPUT_SOFTWARE}`, 'latin1'));

const DEFAULT_QUALITY: Readonly<Record<Exclude<OutputFormat, 'png'>, number>> = Object.freeze({ jpeg: 90, webp: 90, avif: 60 });

export async function encodeImage(image: RgbImage, options: EncodeOptions = {}): Promise<Buffer> {
  const { width, height, rgb, alpha } = checkImage(image);
  const format = options.format ?? 'png';
  if (!OUTPUT_FORMATS.includes(format)) {
    throw new OptionsError(`Output format: expected one of ${OUTPUT_FORMATS.join(', ')}, got '${String(format)}'`, {
      details: { allowed: OUTPUT_FORMATS, given: format },
    });
  }
  const sourceDepth = rgb instanceof Uint16Array ? 16 : 8;
  const bitDepth = options.bitDepth ?? (format === 'png' ? sourceDepth : 8);
  if (bitDepth !== 8 && bitDepth !== 16) {
    throw new OptionsError(`Output bitDepth: expected 8 or 16, got ${String(bitDepth)}`, { details: { allowed: [8, 16], given: bitDepth } });
  }
  if (bitDepth === 16 && format !== 'png') {
    throw new OptionsError(`Output bitDepth 16: only PNG supports it, got format '${format}'`, { details: { format, bitDepth } });
  }
  const quality = options.quality ?? (format === 'png' ? 100 : DEFAULT_QUALITY[format]);
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new OptionsError(`Output quality: expected an integer 1..100, got ${String(quality)}`, { details: { quality } });
  }

  const pixels = interleave(rgb, alpha, width * height, bitDepth === 16 && sourceDepth === 8);
  const channels = alpha === undefined ? 3 : 4;
  const keep = options.keepMetadata === true ? options.metadata : undefined;
  const tiff = keep?.exif === undefined ? undefined : exifTiffBytes(keep.exif);
  const exif = tiff === undefined ? undefined : pngChunk('eXIf', withOrientationReset(tiff));

  try {
    let pipeline: Sharp;
    if (exif !== undefined && format !== 'png') {
      // sharp cannot attach an EXIF blob to raw pixels, but keeps one it read from a PNG's eXIf chunk:
      // wrap the pixels in a fast uncompressed PNG carrying the chunk, then re-encode with keepExif.
      const carrier = await sharp(pixels, { raw: { width, height, channels } })
        .toColourspace('srgb')
        .png({ compressionLevel: 0 })
        .toBuffer();
      pipeline = sharp(insertAfterIhdr(carrier, exif)).keepExif().withExifMerge(SOFTWARE_EXIF);
    } else if (format !== 'png') {
      pipeline = sharp(pixels, { raw: { width, height, channels } }).withExif(SOFTWARE_EXIF);
    } else {
      pipeline = sharp(pixels, { raw: { width, height, channels } });
    }
    pipeline = pipeline.toColourspace(bitDepth === 16 ? 'rgb16' : 'srgb');
    if (keep?.icc !== undefined) pipeline = pipeline.withIccProfile('srgb');
    if (keep?.density !== undefined) pipeline = pipeline.withDensity(keep.density);
    if (format === 'png') pipeline = pipeline.png({ compressionLevel: 6 });
    // JPEG has no alpha: composite over white, as viewers show transparent areas.
    else if (format === 'jpeg') pipeline = pipeline.flatten({ background: '#ffffff' }).jpeg({ quality });
    else if (format === 'webp') pipeline = pipeline.webp({ quality });
    else pipeline = pipeline.avif({ quality });
    const encoded = await pipeline.toBuffer();
    if (format !== 'png') return encoded;
    // withIccProfile/withDensity make libvips write an eXIf of its own: a PNG may carry one, ours.
    const png = insertAfterIhdr(withoutChunks(encoded, 'eXIf'), SOFTWARE_TEXT);
    return exif === undefined ? png : insertAfterIhdr(png, exif);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new OutputError(`Encoding ${width}×${height} ${format} failed: ${message}`, { cause, details: { format, width, height } });
  }
}

function checkImage(image: RgbImage): Required<Pick<RgbImage, 'width' | 'height' | 'rgb'>> & Pick<RgbImage, 'alpha'> {
  const { width, height, rgb, alpha } = image;
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width <= 0 || height <= 0) {
    throw new OptionsError(`Image to encode: expected positive integer width and height, got ${String(width)}×${String(height)}`, {
      details: { width, height },
    });
  }
  if (!(rgb instanceof Uint8Array || rgb instanceof Uint16Array) || rgb.length !== width * height * 3) {
    throw new OptionsError(`Image to encode: expected rgb as Uint8Array or Uint16Array of ${width * height * 3} values, got ${rgb?.constructor?.name ?? typeof rgb} of ${String(rgb?.length)}`, {
      details: { expected: width * height * 3, given: rgb?.length },
    });
  }
  if (alpha !== undefined && (!(alpha instanceof Uint8Array || alpha instanceof Uint16Array) || alpha.length !== width * height)) {
    throw new OptionsError(`Image to encode: expected alpha of ${width * height} values, got ${String(alpha?.length)}`, {
      details: { expected: width * height, given: alpha?.length },
    });
  }
  return { width, height, rgb, alpha };
}

/** RGB (+ alpha) into one buffer of rgb's depth (alpha rescaled to it); widen 8→16 bits when asked. */
function interleave(rgb: Uint8Array | Uint16Array, alpha: Uint8Array | Uint16Array | undefined, n: number, widen: boolean): Uint8Array | Uint16Array {
  const sixteen = rgb instanceof Uint16Array || widen;
  const scale = widen ? 257 : 1;
  if (alpha === undefined) return widen ? Uint16Array.from(rgb, (v) => v * scale) : rgb;
  const out = sixteen ? new Uint16Array(n * 4) : new Uint8Array(n * 4);
  const alphaScale = alpha instanceof Uint16Array ? (sixteen ? 1 : 1 / 257) : sixteen ? 257 : 1;
  for (let i = 0, p = 0, q = 0; i < n; i++, p += 4, q += 3) {
    out[p] = rgb[q] * scale;
    out[p + 1] = rgb[q + 1] * scale;
    out[p + 2] = rgb[q + 2] * scale;
    out[p + 3] = Math.round(alpha[i] * alphaScale);
  }
  return out;
}
