import { extname } from 'node:path';
import { OptionsError } from '../errors/index.js';

export type OutputFormat = 'png' | 'jpeg' | 'webp' | 'avif';

export const OUTPUT_FORMATS: readonly OutputFormat[] = Object.freeze(['png', 'jpeg', 'webp', 'avif']);

const BY_EXTENSION: Readonly<Record<string, OutputFormat>> = Object.freeze({
  '.png': 'png',
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.webp': 'webp',
  '.avif': 'avif',
});

/** Output format from a file name's extension (case-insensitive). */
export function formatFromPath(path: string): OutputFormat {
  const extension = extname(path).toLowerCase();
  const format = BY_EXTENSION[extension];
  if (format === undefined) {
    const allowed = Object.keys(BY_EXTENSION);
    throw new OptionsError(
      `Output path ${path}: expected an extension of ${allowed.join(', ')}, got ${extension === '' ? 'none' : `'${extension}'`}`,
      { details: { path, extension, allowed } },
    );
  }
  return format;
}
