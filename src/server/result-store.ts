import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { InternalError } from '../errors/index.js';

/** Where finished jobs' images live until their TTL ends. */
export interface ResultStore {
  put(jobId: string, samples: ReadonlyArray<{ index: number; format: string; image: Buffer }>): Promise<void>;
  get(jobId: string, index: number): Promise<Buffer | undefined>;
  delete(jobId: string): Promise<void>;
  /** Deletes everything this store wrote. */
  close(): Promise<void>;
}

/** nanoid's alphabet; anything else never reaches the file system. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9_-]{21}$/;

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
    if (!JOB_ID_PATTERN.test(jobId)) throw new InternalError(`invalid job id for the results folder: ${JSON.stringify(jobId)}`);
    const path = name === undefined ? resolve(this.root, jobId) : resolve(this.root, jobId, name);
    if (!path.startsWith(this.root + sep)) throw new InternalError('result path escapes the results folder');
    return path;
  }

  async put(jobId: string, samples: ReadonlyArray<{ index: number; format: string; image: Buffer }>): Promise<void> {
    await mkdir(this.#path(jobId), { recursive: true });
    const formats = new Map<number, string>();
    for (const sample of samples) {
      const ext = sample.format.replace(/[^a-z0-9]/g, '');
      await writeFile(this.#path(jobId, `${Math.trunc(sample.index)}.${ext}`), sample.image, { flag: 'wx' });
      formats.set(sample.index, ext);
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
    if (!this.#formats.delete(jobId)) return;
    await rm(this.#path(jobId), { recursive: true, force: true });
  }

  async close(): Promise<void> {
    // Only our own job folders: the root may be shared with other files.
    await Promise.all([...this.#formats.keys()].map((id) => this.delete(id)));
  }
}
