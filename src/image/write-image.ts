import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OutputError } from '../errors/index.js';
import type { RgbImage } from './decoded-image.js';
import { encodeImage, type EncodeOptions } from './encode-image.js';
import { formatFromPath } from './format-from-path.js';

/**
 * Encodes and writes atomically: a temporary file in the same folder, then a rename, so readers
 * never see a half-written image and a failure leaves any previous file intact.
 * The format comes from the extension unless `options.format` is given.
 */
export async function writeImage(path: string, image: RgbImage, options: EncodeOptions = {}): Promise<void> {
  const format = options.format ?? formatFromPath(path);
  const encoded = await encodeImage(image, { ...options, format });
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, encoded);
    await rename(temporary, path);
  } catch (cause) {
    await unlink(temporary).catch(() => undefined);
    const code = (cause as NodeJS.ErrnoException).code;
    throw new OutputError(`Cannot write ${path}: ${code ?? (cause instanceof Error ? cause.message : String(cause))}`, {
      cause,
      details: { path, code },
    });
  }
}
