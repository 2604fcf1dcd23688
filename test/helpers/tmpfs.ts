import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** A small tmpfs, to fill a disk for real; root only (CI runs as root). */
export type Tmpfs = { dir: string; unmount: () => void } | { dir: undefined; reason: string };

export function mountTmpfs(bytes: number): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'cw-full-'));
  if (process.getuid?.() !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { dir: undefined, reason: 'mounting a tmpfs needs root (CI runs as root)' };
  }
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { dir: undefined, reason: `cannot mount a tmpfs: ${(mounted.stderr || mounted.error?.message || '').trim()}` };
  }
  return {
    dir,
    unmount: () => {
      spawnSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A tmpfs for the tests of the calling describe block: mounted before them, unmounted after. */
export function useTmpfs(bytes: number): () => Tmpfs {
  let disk: Tmpfs = { dir: undefined, reason: 'not mounted yet' };
  beforeAll(() => {
    disk = mountTmpfs(bytes);
  });
  afterAll(() => {
    if (disk.dir !== undefined) disk.unmount();
  });
  return () => disk;
}
