import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SharedFolderStore } from '../../src/queue/shared-folder-store.js';

const ID = 'V1StGXR8_Z5jdHi6B-myT';
const OTHER = 'A1StGXR8_Z5jdHi6B-myT';

describe('SharedFolderStore (the Redis-mode job store)', () => {
  let dir: string;
  let store: SharedFolderStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cw-store-'));
    store = new SharedFolderStore(dir);
    await store.open();
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps an input until it is run, then exactly the samples of the last attempt', async () => {
    await store.putInput(ID, Buffer.from('gray'));
    expect(await store.readInput(ID)).toEqual(Buffer.from('gray'));
    // A killed attempt's leftovers: a temporary file and a sample the new attempt does not make.
    await writeFile(join(dir, ID, '.1.png.123.abcd.tmp'), 'half');
    await writeFile(join(dir, ID, '2.png'), 'old');
    await store.putSamples(ID, [{ index: 1, format: 'png', image: Buffer.from('new') }]);
    await store.deleteInput(ID);
    expect(await readdir(join(dir, ID))).toEqual(['1.png']);
    expect(await store.readSample(ID, 1, 'png')).toEqual(Buffer.from('new'));
    expect(await store.readSample(ID, 2, 'png')).toBeUndefined();
    await expect(store.readInput(ID)).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('same shared folder') });
  });

  it('refuses job ids that could leave the folder', async () => {
    await expect(store.putInput('../escape', Buffer.from('x'))).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('sweeps folders no job owns once past the grace time, and nothing else', async () => {
    await store.putInput(ID, Buffer.from('a'));
    await store.putInput(OTHER, Buffer.from('b'));
    await mkdir(join(dir, 'not-a-job'));
    expect(await store.sweep({ graceMs: 60_000, known: async () => new Set() })).toEqual([]); // too fresh
    const removed = await store.sweep({ graceMs: -1, known: async (ids) => new Set(ids.filter((id) => id === OTHER)) });
    expect(removed).toEqual([ID]);
    expect(existsSync(join(dir, ID))).toBe(false);
    expect(existsSync(join(dir, OTHER))).toBe(true);
    expect(existsSync(join(dir, 'not-a-job'))).toBe(true);
  });
});
