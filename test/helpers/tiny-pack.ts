import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The tiny random-weight pack written by training/make_test_pack.py (Python export ⇄ TS runtime). */
export const TINY_PACK = resolve(__dirname, '..', 'fixtures', 'tiny-pack');

/** A private copy of the tiny pack to break on purpose; `edit` rewrites its manifest. */
export function copyTinyPack(edit?: (manifest: Record<string, any>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'cw-pack-'));
  cpSync(TINY_PACK, dir, { recursive: true });
  if (edit) {
    const file = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    edit(manifest);
    writeFileSync(file, JSON.stringify(manifest));
  }
  return dir;
}

/** Seeded gray test image with structure (gradients and a bright disc), interleaved 8-bit RGB. */
export function grayImage(width: number, height: number, seed = 1): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  let s = seed >>> 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const disc = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (Math.min(width, height) / 4) ** 2 ? 70 : 0;
      const v = Math.min(255, Math.round(40 + (150 * x) / width + disc + (s >>> 29)));
      rgb.set([v, v, v], (y * width + x) * 3);
    }
  }
  return rgb;
}
