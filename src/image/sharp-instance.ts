/**
 * The one place sharp is imported. Its operation cache is turned off: we decode each file once,
 * and the cache would only pin large decoded images in memory. Concurrency stays at libvips'
 * default (one thread per core).
 */
import sharp from 'sharp';

sharp.cache(false);

export { sharp };
export type { Sharp, Metadata, SharpOptions } from 'sharp';
