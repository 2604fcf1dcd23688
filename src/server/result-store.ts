import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { InternalError } from '../errors/index.js';
import { writeFileAtomic } from '../files/index.js';

/** Where finished jobs' images live until their TTL ends. */
export interface ResultStore {
  put(jobId: string, samples: ReadonlyArray<{ index: number; format: string; image: Buffer }>): Promise<void>;
  get(jobId: string, index: number): Promise<Buffer | undefined>;
  delete(jobId: string): Promise<void>;
  /** Deletes everything this store wrote. */
  close(): Promise<void>;
  /**
   * Deletes results left by a process that died (kill -9): those older than `ttlMs`, and those no
   * job owns. Resolves with the job ids removed.
   */
  sweep(options: { ttlMs: number; owned: (jobId: string) => boolean }): Promise<string[]>;
}

/** nanoid's alphabet; anything else never reaches the file system. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9_-]{21}$/;

/** A job's folder (or a file in it) under `root`, for valid job ids only, never outside `root`. */
export function jobPath(root: string, jobId: string, name?: string): string {
  if (!JOB_ID_PATTERN.test(jobId)) throw new InternalError(`invalid job id for the results folder: ${JSON.stringify(jobId)}`);
  const path = name === undefined ? resolve(root, jobId) : resolve(root, jobId, name);
  if (!path.startsWith(root + sep)) throw new InternalError('result path escapes the results folder');
  return path;
}

export class MemoryResultStore implements ResultStore {
  readonly #jobs = new Map<string, Map<number, Buffer>>();

  async put(jobId: string, samples: ReadonlyArray<{ index: number; image: Buffer }>): Promise<void> {
    this.#jobs.set(jobId, new Map(samples.map((s) => [s.index, s.image])));
  }

  async get(jobId: string, index: number): Promise<Buffer | undefined> {
    return this.#jobs.get(jobId)?.get(index);
  }

  async delete(jobId: string): Promise<void> {
    this.#jobs.delete(jobId);
  }

  async close(): Promise<void> {
    this.#jobs.clear();
  }

  async sweep(): Promise<string[]> {
    return []; // memory dies with the process
  }
}

/**
 * One folder per job under `root`, one file per sample. Paths are built only from a job id that
 * matches JOB_ID_PATTERN and an integer index, and are checked to resolve inside `root` anyway.
 */
export class DirectoryResultStore implements ResultStore {
  readonly root: string;
  readonly #formats = new Map<string, Map<number, string>>();

  constructor(root: string) {
    this.root = resolve(root);
  }

  #path(jobId: string, name?: string): string {
    return jobPath(this.root, jobId, name);
  }

  /** All samples or none: on any error (ENOSPC, EACCES) the job's folder is removed and an OutputError names the file. */
  async put(jobId: string, samples: ReadonlyArray<{ index: number; format: string; image: Buffer }>): Promise<void> {
    const formats = new Map<number, string>();
    try {
      await mkdir(this.#path(jobId), { recursive: true });
      for (const sample of samples) {
        const ext = sample.format.replace(/[^a-z0-9]/g, '');
        const name = `${Math.trunc(sample.index)}.${ext}`;
        // Named relative to the results folder: clients see the error, not the server's layout.
        await writeFileAtomic(this.#path(jobId, name), sample.image, { displayPath: `results/${jobId}/${name}` });
        formats.set(sample.index, ext);
      }
    } catch (error) {
      await rm(this.#path(jobId), { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
    this.#formats.set(jobId, formats);
  }

  async get(jobId: string, index: number): Promise<Buffer | undefined> {
    const ext = this.#formats.get(jobId)?.get(index);
    if (ext === undefined || !Number.isInteger(index)) return undefined;
    try {
      return await readFile(this.#path(jobId, `${index}.${ext}`));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async delete(jobId: string): Promise<void> {
    this.#formats.delete(jobId);
    await rm(this.#path(jobId), { recursive: true, force: true });
  }

  async close(): Promise<void> {
    // Only our own job folders: the root may be shared with other files.
    await Promise.all([...this.#formats.keys()].map((id) => this.delete(id)));
  }

  async sweep({ ttlMs, owned }: { ttlMs: number; owned: (jobId: string) => boolean }): Promise<string[]> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    const removed: string[] = [];
    for (const name of names) {
      // Job folders only: anything else in the root is not ours.
      if (!JOB_ID_PATTERN.test(name)) continue;
      const info = await stat(this.#path(name)).catch(() => undefined);
      if (!info?.isDirectory()) continue;
      if (owned(name) && Date.now() - info.mtimeMs <= ttlMs) continue;
      await rm(this.#path(name), { recursive: true, force: true });
      this.#formats.delete(name);
      removed.push(name);
    }
    return removed;
  }
}
