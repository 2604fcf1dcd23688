import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors/index.js';
import { grayImage, TINY_PACK } from '../helpers/tiny-pack.js';

// The real binary, as a user runs it (`npm test` builds dist/ first through the pretest script).
const CLI = resolve(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cw-cli-'));
  const inputs = join(dir, 'in');
  mkdirSync(inputs);
  await sharp(Buffer.from(grayImage(40, 30)), { raw: { width: 40, height: 30, channels: 3 } }).jpeg().toFile(join(inputs, 'street.jpg'));
  await sharp(Buffer.from(grayImage(24, 36, 5)), { raw: { width: 24, height: 36, channels: 3 } }).png().toFile(join(inputs, 'portrait.png'));
  writeFileSync(join(inputs, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
  writeFileSync(join(inputs, 'notes.txt'), 'not an image, and not picked from a folder');
});

describe('color-wizard CLI', () => {
  it('prints help and version', () => {
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/colorize/);
    const version = run('--version');
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')).version);
    expect(run('colorize', '--help').stdout).toMatch(/--negative-prompt/);
  });

  it('runs through a symlink, as npm installs the bin', () => {
    const link = join(dir, 'color-wizard');
    symlinkSync(CLI, link);
    const r = spawnSync(process.execPath, [link, '--version'], { encoding: 'utf8' });
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('colorizes a folder as a batch: bad files reported and skipped, exit code 1, one JSON line per input', () => {
    const out = join(dir, 'out-batch');
    const r = run('colorize', join(dir, 'in'), '-o', out, '--model', TINY_PACK, '--samples', '2', '--seed', '9', '--steps', '2', '--json');
    expect(r.status).toBe(EXIT_CODES.PARTIAL);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.input.split('/').pop(), l.ok])).toEqual([
      ['broken.jpg', false],
      ['portrait.png', true],
      ['street.jpg', true],
    ]);
    expect(lines[0].error.code).toBe('INPUT_IMAGE');
    expect(lines[2].seeds).toEqual([9, 10]);
    expect(readdirSync(out).sort()).toEqual(['portrait_1.png', 'portrait_2.png', 'street_1.png', 'street_2.png']);
    expect(r.stderr).toMatch(/broken\.jpg: INPUT_IMAGE/);
  });

  it('writes one sample as DIR/<stem>.<ext> at the input size, in the asked format', async () => {
    const out = join(dir, 'out-one');
    const r = run('colorize', join(dir, 'in', 'street.jpg'), '-o', out, '--model', TINY_PACK, '--steps', '2', '--format', 'jpg', '--prompt', 'red car');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/understood: red→car/);
    const meta = await sharp(join(out, 'street.jpg')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 40, 30]);
  });

  it('takes strokes, a reference, a palette and a strength', () => {
    const out = join(dir, 'out-steer');
    const ok = run('colorize', join(dir, 'in', 'street.jpg'), '-o', out, '--model', TINY_PACK, '--steps', '1', '--json',
      '--stroke', '2,2 30,20 #2f7a2f 3', '--reference', join(dir, 'in', 'portrait.png'), '--palette', '#2f7a2f,#b03020', '--strength', '1.5');
    expect(ok.status).toBe(0);
    expect(existsSync(join(out, 'street.png'))).toBe(true);
    // A fresh folder: the output written above would otherwise be refused first (exit 8, no overwrite).
    const bad = (...flags: string[]) => run('colorize', join(dir, 'in', 'street.jpg'), '-o', `${out}-bad`, '--model', TINY_PACK, '--steps', '1', ...flags);
    expect(bad('--strength', '3').status).toBe(EXIT_CODES.OPTIONS);
    expect(bad('--palette', '#12').status).toBe(EXIT_CODES.OPTIONS);
    expect(bad('--stroke', '1,1 #zzzzzz').status).toBe(EXIT_CODES.OPTIONS);
    const outside = bad('--stroke', '1,1 400,1 #123456');
    expect(outside.status).toBe(EXIT_CODES.OPTIONS);
    expect(outside.stderr).toMatch(/--stroke 1 "1,1 400,1 #123456" \(point 2\): \(400, 1\) lies outside/);
    expect(bad('--reference', join(dir, 'in', 'broken.jpg')).status).toBe(EXIT_CODES.OPTIONS);
  });

  it('maps errors to distinct exit codes', () => {
    const out = join(dir, 'out-err');
    expect(run('colorize', join(dir, 'in', 'street.jpg'), '-o', out, '--model', TINY_PACK, '--samples', '99').status).toBe(EXIT_CODES.OPTIONS);
    expect(run('colorize', join(dir, 'in', 'street.jpg'), '-o', out, '--model', TINY_PACK, '--hint', '1,2').status).toBe(EXIT_CODES.OPTIONS);
    expect(run('colorize', join(dir, 'in', 'street.jpg'), '-o', out, '--model', join(dir, 'nope')).status).toBe(EXIT_CODES.MODEL_PACK);
    expect(run('colorize', join(dir, 'in', 'broken.jpg'), '-o', out, '--model', TINY_PACK).status).toBe(EXIT_CODES.INPUT_IMAGE);
    expect(run('colorize', join(dir, 'missing.jpg'), '-o', out, '--model', TINY_PACK).status).toBe(EXIT_CODES.INPUT_IMAGE);
    expect(run('colorize', join(dir, 'in', 'street.jpg')).status).toBe(EXIT_CODES.USAGE); // no -o
    expect(run('colorize', join(dir, 'in', 'street.jpg'), '-o', out, '--scheduler', 'warp').status).toBe(EXIT_CODES.USAGE);
    expect(existsSync(join(out, 'street.png'))).toBe(false);
  });

  it('cancels cleanly on Ctrl-C: exit 130, no output written', async () => {
    const out = join(dir, 'out-cancel');
    const child = spawn(process.execPath, [CLI, 'colorize', join(dir, 'in', 'street.jpg'), '-o', out, '--model', TINY_PACK, '--samples', '16', '--steps', '500']);
    let stderr = '';
    const code = await new Promise<number | null>((resolveCode) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        // The random-weights warning is printed once the pack is loaded, after the SIGINT handler is installed.
        if (stderr.includes('random weights') && !child.killed) child.kill('SIGINT');
      });
      child.on('exit', (c) => resolveCode(c));
    });
    expect(code).toBe(EXIT_CODES.CANCELLED);
    expect(stderr).toMatch(/CANCELLED|cancelled\./); // mid-image, or before the first image began
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});
