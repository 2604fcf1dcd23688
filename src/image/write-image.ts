import { writeFileAtomic } from '../files/index.js';
import type { RgbImage } from './decoded-image.js';
import { encodeImage, type EncodeOptions } from './encode-image.js';
import { formatFromPath } from './format-from-path.js';

export interface WriteImageOptions extends EncodeOptions {
  /** Replace an existing file; by default an existing file is an OutputError and stays as it was. */
  overwrite?: boolean;
}

/**
 * Encodes and writes atomically (src/files): readers never see a half-written image, a failure
 * leaves no temporary file and any previous file intact. The format comes from the extension
 * unless `options.format` is given.
 */
export async function writeImage(path: string, image: RgbImage, options: WriteImageOptions = {}): Promise<void> {
  const { overwrite, ...encode } = options;
  const format = encode.format ?? formatFromPath(path);
  const encoded = await encodeImage(image, { ...encode, format });
  await writeFileAtomic(path, encoded, { overwrite });
}
