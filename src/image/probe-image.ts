import { openImageSource } from './image-source.js';
import { resolveLimits, type ImageLimits } from './image-limits.js';
import { readImageHeader } from './read-image-header.js';

/** Reads only the header: size after EXIF orientation and format, with the same refusals as readImage. */
export async function probeImage(
  input: string | Buffer | Uint8Array,
  options?: ImageLimits,
): Promise<{ width: number; height: number; format: string }> {
  const limits = resolveLimits(options);
  const header = await readImageHeader(await openImageSource(input, limits.maxInputBytes), limits.maxPixels);
  return { width: header.width, height: header.height, format: header.format };
}
