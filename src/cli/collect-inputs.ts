import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { isColorWizardOutput } from '../image/index.js';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.avif', '.tif', '.tiff', '.gif', '.heic', '.heif'];

export interface CollectedInput {
  path: string;
  /** Set when the path itself cannot be used (missing, unreadable): reported, the batch goes on. */
  problem?: string;
}

export interface CollectedInputs {
  files: CollectedInput[];
  /** Files in the given folders that an earlier run wrote (they carry our marker): never inputs again. */
  ownOutputs: string[];
}

/**
 * Files are taken as given (the decoder judges them); folders contribute their image files, sorted,
 * except images Color Wizard wrote itself, so re-running on a folder that holds outputs does not
 * colorize its own outputs (2 → 6 → 14 files).
 */
export async function collectInputs(paths: readonly string[]): Promise<CollectedInputs> {
  const files: CollectedInput[] = [];
  const ownOutputs: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch {
      files.push({ path, problem: `no such file or folder: ${path}` });
      continue;
    }
    if (!info.isDirectory()) {
      files.push({ path });
      continue;
    }
    const names = (await readdir(path)).filter((n) => IMAGE_EXTENSIONS.includes(extname(n).toLowerCase())).sort();
    for (const name of names) {
      const file = join(path, name);
      if (await isColorWizardOutput(file)) ownOutputs.push(file);
      else files.push({ path: file });
    }
  }
  return { files, ownOutputs };
}
