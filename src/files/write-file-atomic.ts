import { randomBytes } from 'node:crypto';
import { link, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OutputError } from '../errors/index.js';

export interface WriteFileAtomicOptions {
  /** Replace an existing file at `path`; without it an existing file is an OutputError (code EEXIST). */
  overwrite?: boolean;
  /** How the path is named in error messages (e.g. relative to a folder clients must not see). */
  displayPath?: string;
}

/** errno codes → words a person can act on; others are shown as the code itself. */
const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'no such folder',
  ENOTDIR: 'a parent is not a folder',
  EISDIR: 'is a folder',
  EEXIST: 'already exists (pass overwrite / --overwrite to replace it)',
};

/**
 * Writes a temporary file next to `path`, then moves it into place, so readers never see a
 * half-written file. On any error the temporary file is removed (a full disk must not stay full
 * of our leftovers) and an OutputError names the path and the reason.
 * Without `overwrite` the move is a hard link, which fails atomically when `path` exists.
 */
export async function writeFileAtomic(path: string, data: Uint8Array, options: WriteFileAtomicOptions = {}): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, data, { flag: 'wx' });
    if (options.overwrite === true) await rename(temporary, path);
    else await moveNoClobber(temporary, path);
  } catch (cause) {
    throw outputError(options.displayPath ?? path, cause);
  } finally {
    await rm(temporary, { force: true }).catch(() => undefined);
  }
}

async function moveNoClobber(temporary: string, path: string): Promise<void> {
  try {
    await link(temporary, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // File systems without hard links (FAT, some network mounts): check, then rename.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw error;
    if (await exists(path)) throw Object.assign(new Error(`${path} exists`), { code: 'EEXIST' });
    await rename(temporary, path);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** An fs failure as the OutputError every writer reports: `Cannot write PATH: reason (CODE)`. */
export function outputError(path: string, cause: unknown): OutputError {
  const code = (cause as NodeJS.ErrnoException | null)?.code;
  const reason = code === undefined ? (cause instanceof Error ? cause.message : String(cause)) : `${REASONS[code] ?? code} (${code})`;
  return new OutputError(`Cannot write ${path}: ${reason}`, { cause, details: { path, code } });
}
