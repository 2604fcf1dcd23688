import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.avif', '.tif', '.tiff', '.gif', '.heic', '.heif'];

export interface CollectedInput {
  path: string;
  /** Set when the path itself cannot be used (missing, unreadable): reported, the batch goes on. */
  problem?: string;
}

/** Files are taken as given (the decoder judges them); folders contribute their image files, sorted. */
export async function collectInputs(paths: readonly string[]): Promise<CollectedInput[]> {
  const out: CollectedInput[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch {
      out.push({ path, problem: `no such file or folder: ${path}` });
      continue;
    }
    if (info.isDirectory()) {
      const names = (await readdir(path)).filter((n) => IMAGE_EXTENSIONS.includes(extname(n).toLowerCase())).sort();
      out.push(...names.map((n) => ({ path: join(path, n) })));
    } else {
      out.push({ path });
    }
  }
  return out;
}
