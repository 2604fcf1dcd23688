import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InternalError } from '../errors/index.js';
import { writeFileAtomic } from '../files/index.js';
import { JOB_ID_PATTERN, jobPath } from '../server/result-store.js';
import type { JobFileStore } from './job-file-store.js';

const INPUT = 'input';

/**
 * A folder every role mounts (NFS, a shared disk): `<root>/<job id>/input` and `<n>.<format>`.
 * Files are written atomically (temporary file, then rename), so a reader on another machine
 * never sees half an image. Nothing is kept in memory: any process can serve any job.
 */
export class SharedFolderStore implements JobFileStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Creates the folder; fails early when it cannot be written (a role must not start half-working). */
  async open(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    const probe = resolve(this.root, `.probe-${process.pid}`);
    await writeFileAtomic(probe, Buffer.from('ok'), { overwrite: true, displayPath: probe });
    await rm(probe, { force: true });
  }

  async putInput(jobId: string, image: Buffer): Promise<void> {
    await mkdir(jobPath(this.root, jobId), { recursive: true });
    await writeFileAtomic(jobPath(this.root, jobId, INPUT), image, { overwrite: true, displayPath: `results/${jobId}/${INPUT}` });
  }

  async readInput(jobId: string): Promise<Buffer> {
    try {
      return await readFile(jobPath(this.root, jobId, INPUT));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      throw new InternalError(`the input of job ${jobId} is not in the results folder (is --results-dir the same shared folder on every machine?)`, { cause: error });
    }
  }

  async deleteInput(jobId: string): Promise<void> {
    await rm(jobPath(this.root, jobId, INPUT), { force: true });
  }

  async putSamples(jobId: string, samples: ReadonlyArray<{ index: number; format: string; image: Buffer }>): Promise<void> {
    await mkdir(jobPath(this.root, jobId), { recursive: true });
    const names = new Set([INPUT]);
    for (const sample of samples) {
      const name = sampleName(sample.index, sample.format);
      await writeFileAtomic(jobPath(this.root, jobId, name), sample.image, { overwrite: true, displayPath: `results/${jobId}/${name}` });
      names.add(name);
    }
    // What a killed attempt left (a temporary file, samples of another count) is not this result.
    for (const name of await readdir(jobPath(this.root, jobId))) {
      if (!names.has(name)) await rm(jobPath(this.root, jobId, name), { force: true, recursive: true });
    }
  }

  async readSample(jobId: string, index: number, format: string): Promise<Buffer | undefined> {
    if (!Number.isInteger(index)) return undefined;
    try {
      return await readFile(jobPath(this.root, jobId, sampleName(index, format)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async delete(jobId: string): Promise<void> {
    await rm(jobPath(this.root, jobId), { recursive: true, force: true });
  }

  async sweep({ graceMs, known }: { graceMs: number; known: (jobIds: string[]) => Promise<ReadonlySet<string>> }): Promise<string[]> {
    // Job folders only: anything else in the root is not ours.
    const names = (await readdir(this.root).catch(() => [] as string[])).filter((name) => JOB_ID_PATTERN.test(name));
    if (names.length === 0) return [];
    const live = await known(names);
    const removed: string[] = [];
    for (const name of names) {
      if (live.has(name)) continue;
      const info = await stat(jobPath(this.root, name)).catch(() => undefined);
      if (!info?.isDirectory() || Date.now() - info.mtimeMs <= graceMs) continue;
      await this.delete(name);
      removed.push(name);
    }
    return removed;
  }
}

function sampleName(index: number, format: string): string {
  return `${Math.trunc(index)}.${format.replace(/[^a-z0-9]/g, '')}`;
}
