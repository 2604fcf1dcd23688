import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors/index.js';
import { grayImage, TINY_PACK } from '../helpers/tiny-pack.js';
import { useTmpfs } from '../helpers/tmpfs.js';

// The built CLI, as a user runs it (`npm test` builds dist/ first).
const CLI = resolve(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'colorize', ...args, '--model', TINY_PACK, '--steps', '1', '--seed', '3'], { encoding: 'utf8', timeout: 60_000 });
const jsonLines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

const gray = (w: number, h: number, seed = 1) => sharp(Buffer.from(grayImage(w, h, seed)), { raw: { width: w, height: h, channels: 3 } });
/** Incompressible: its colorized PNG is about 3 bytes a pixel. */
const noise = (w: number, h: number) => sharp(Buffer.from(Uint8Array.from({ length: w * h * 3 }, (_, i) => (Math.imul(i + 1, 2654435761) >>> 24) & 255)), { raw: { width: w, height: h, channels: 3 } });

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cw-files-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((n) => [n, readFileSync(join(dir, n))]));

describe('the CLI never loses a photo', () => {
  it('colorizing a folder into itself leaves the originals untouched and never takes its outputs as inputs', async () => {
    const dir = join(root, 'in-place');
    mkdirSync(dir);
    await gray(20, 16).jpeg().toFile(join(dir, 'a.jpg'));
    await gray(16, 20, 2).png().toFile(join(dir, 'b.png'));
    const originals = snapshot(dir);

    const first = run(dir, '-o', dir, '--json');
    // b.png would be written over the input b.png: refused, even though a.jpg → a.png is fine.
    expect(first.status).toBe(EXIT_CODES.PARTIAL);
    const lines = jsonLines(first.stdout);
    expect(lines.map((l) => [l.input.split('/').pop(), l.ok])).toEqual([['a.jpg', true], ['b.png', false]]);
    expect(lines[1].error).toMatchObject({ code: 'OUTPUT' });
    expect(lines[1].error.message).toMatch(/b\.png: it is one of the inputs/);
    expect(readdirSync(dir).sort()).toEqual(['a.jpg', 'a.png', 'b.png']);
    for (const [name, bytes] of Object.entries(originals)) expect(readFileSync(join(dir, name)).equals(bytes), name).toBe(true);

    // Re-runs: a.png is ours and skipped; the existing a.png is refused without --overwrite, replaced with it.
    const second = run(dir, '-o', dir, '--json');
    expect(second.stderr).toMatch(/skipped 1 image\(s\) written by Color Wizard/);
    expect(jsonLines(second.stdout).map((l) => [l.input.split('/').pop(), l.ok, l.error?.details?.code])).toEqual([
      ['a.jpg', false, 'EEXIST'],
      ['b.png', false, 'INPUT'],
    ]);
    const third = run(dir, '-o', dir, '--json', '--overwrite');
    expect(jsonLines(third.stdout).map((l) => [l.input.split('/').pop(), l.ok])).toEqual([['a.jpg', true], ['b.png', false]]);
    expect(readdirSync(dir).sort()).toEqual(['a.jpg', 'a.png', 'b.png']);
    for (const [name, bytes] of Object.entries(originals)) expect(readFileSync(join(dir, name)).equals(bytes), name).toBe(true);
  });

  it('gives inputs with the same stem distinct outputs (<stem>-<ext>), and the same name in two folders -2', async () => {
    const dir = join(root, 'same');
    const other = join(root, 'same-other');
    mkdirSync(dir);
    mkdirSync(other);
    await gray(12, 12).jpeg().toFile(join(dir, 'same.jpg'));
    await gray(12, 12, 4).png().toFile(join(dir, 'same.png'));
    copyFileSync(join(dir, 'same.jpg'), join(other, 'same.jpg'));
    const out = join(root, 'same-out');
    const r = run(dir, other, '-o', out, '--json');
    expect(r.status).toBe(0);
    expect(jsonLines(r.stdout).map((l) => l.outputs.map((p: string) => p.split('/').pop()))).toEqual([['same-jpg.png'], ['same-png.png'], ['same-jpg-2.png']]);
    expect(readdirSync(out).sort()).toEqual(['same-jpg-2.png', 'same-jpg.png', 'same-png.png']);
  });

  describe('on a full disk', () => {
    const tmpfs = useTmpfs(128 * 1024);

    it('fails the image that does not fit with OUTPUT naming the path, leaves no partial file, and goes on', async (ctx) => {
      const disk = tmpfs();
      if (disk.dir === undefined) return ctx.skip(disk.reason);
      const inputs = join(root, 'full-in');
      mkdirSync(inputs);
      await noise(260, 260).png().toFile(join(inputs, 'big.png')); // ~200 KB out: does not fit
      await gray(8, 8).png().toFile(join(inputs, 'small.png'));
      const r = run(inputs, '-o', disk.dir, '--json');
      expect(r.status).toBe(EXIT_CODES.PARTIAL);
      const [big, small] = jsonLines(r.stdout);
      expect(big).toMatchObject({ ok: false, error: { code: 'OUTPUT', details: { code: 'ENOSPC' } } });
      expect(big.error.message).toContain(join(disk.dir, 'big.png'));
      expect(big.error.message).toMatch(/no space left on device/);
      expect(small.ok).toBe(true);
      expect(readdirSync(disk.dir)).toEqual(['small.png']);
    });
  });
});

describe('CLI numeric flags', () => {
  it('refuses empty, negative and unbounded numbers with OPTIONS (exit 3)', async () => {
    const input = join(root, 'flags.png');
    await gray(8, 8).png().toFile(input);
    const out = join(root, 'flags-out');
    for (const flags of [['--seed', ''], ['--guidance', ''], ['--threads', '1000'], ['--threads', '-1'], ['--steps', '2x']]) {
      const r = spawnSync(process.execPath, [CLI, 'colorize', input, '-o', out, '--model', TINY_PACK, ...flags], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status, flags.join(' ')).toBe(EXIT_CODES.OPTIONS);
      expect(r.stderr, flags.join(' ')).toMatch(/OPTIONS: /);
    }
  });
});
