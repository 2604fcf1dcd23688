import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, relative, resolve } from 'node:path';
import { isColorWizardOutput } from '../image/index.js';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.avif', '.tif', '.tiff', '.gif', '.heic', '.heif'];

export interface CollectedInput {
  path: string;
  /** Folder of the file below the folder argument it was found in ('' at its top): outputs go there too. */
  subfolder: string;
  /** Set when the path itself cannot be used (missing, unreadable): reported, the batch goes on. */
  problem?: string;
}

export interface SkippedInput {
  path: string;
  reason: string;
}

export interface CollectedInputs {
  files: CollectedInput[];
  /** Files in the given folders that an earlier run wrote (they carry our marker): never inputs again. */
  ownOutputs: string[];
  /** Entries of the given folders that are not images (by extension), folders not entered, links: listed with --verbose. */
  skipped: SkippedInput[];
  /** Folders among the arguments: a run over a folder is a batch, however many images it holds. */
  folders: number;
}

export interface CollectOptions {
  /** Walk subfolders too (their structure is kept under the output folder). */
  recursive?: boolean;
  /** Never entered (the output folder, when it lies inside an input folder). */
  exclude?: readonly string[];
}

/**
 * Files are taken as given (the decoder judges them); folders contribute their image files, sorted,
 * except images Color Wizard wrote itself, so re-running on a folder that holds outputs does not
 * colorize its own outputs (2 → 6 → 14 files). With `recursive`, subfolders too, depth first in name
 * order; hidden folders and folder symlinks are not entered (a link loop would never end).
 */
export async function collectInputs(paths: readonly string[], options: CollectOptions = {}): Promise<CollectedInputs> {
  const result: CollectedInputs = { files: [], ownOutputs: [], skipped: [], folders: 0 };
  const exclude = new Set(await Promise.all((options.exclude ?? []).map((p) => realpath(p).catch(() => resolve(p)))));
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch {
      result.files.push({ path, subfolder: '', problem: `no such file or folder: ${path}` });
      continue;
    }
    if (!info.isDirectory()) {
      result.files.push({ path, subfolder: '' });
      continue;
    }
    result.folders += 1;
    await walk(path, path, options.recursive === true, exclude, result);
  }
  return result;
}

async function walk(root: string, dir: string, recursive: boolean, exclude: ReadonlySet<string>, result: CollectedInputs): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const folders: string[] = [];
  for (const entry of entries) {
    const file = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!recursive) result.skipped.push({ path: file, reason: 'a folder (pass --recursive to include subfolders)' });
      else if (entry.name.startsWith('.')) result.skipped.push({ path: file, reason: 'a hidden folder' });
      else if (exclude.has(await realpath(file).catch(() => resolve(file)))) result.skipped.push({ path: file, reason: 'the output folder' });
      else folders.push(file);
      continue;
    }
    if (entry.isSymbolicLink() && (await stat(file).catch(() => undefined))?.isDirectory()) {
      result.skipped.push({ path: file, reason: 'a link to a folder (not followed)' });
      continue;
    }
    if (entry.name.startsWith('.')) continue; // .DS_Store and friends are no one's photos
    const ext = extname(entry.name).toLowerCase();
    if (!IMAGE_EXTENSIONS.includes(ext)) {
      result.skipped.push({ path: file, reason: ext === '' ? 'not an image (no extension)' : `not an image (${ext})` });
      continue;
    }
    if (await isColorWizardOutput(file)) result.ownOutputs.push(file);
    else result.files.push({ path: file, subfolder: relative(root, dir) });
  }
  // Files of a folder first, then its subfolders: a batch reads like the tree.
  for (const folder of folders) await walk(root, folder, recursive, exclude, result);
}
