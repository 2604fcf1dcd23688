import { describe, expect, it } from 'vitest';
import { InputImageError, OptionsError } from '../../src/errors/index.js';
import { colorize } from '../../src/pipeline/index.js';
import { TINY_PACK } from '../helpers/tiny-pack.js';

const plane = (value: number) => ({ width: 8, height: 6, L: new Float32Array(48).fill(50).fill(value, 10, 11) });
const codeOf = (promise: Promise<unknown>) => promise.then(() => 'ok', (e: unknown) => (e as { code?: string }).code);

describe('colorize checks what it is given', () => {
  it('refuses inputs that are not an image with OPTIONS, and L outside 0..100 (NaN, 1e9) with INPUT_IMAGE', async () => {
    expect(await codeOf(colorize(null as never, { model: TINY_PACK, steps: 1 }))).toBe('OPTIONS');
    expect(await codeOf(colorize({ width: 2 } as never, { model: TINY_PACK, steps: 1 }))).toBe('OPTIONS');
    expect(await codeOf(colorize(plane(0), { model: TINY_PACK, steps: 1 }))).toBe('ok');
    await expect(colorize(plane(0), null as never)).rejects.toBeInstanceOf(OptionsError);
    for (const bad of [Number.NaN, 1e9, -5, Number.POSITIVE_INFINITY]) {
      const error = await colorize(plane(bad), { model: TINY_PACK, steps: 1 }).catch((e: unknown) => e);
      expect(error, String(bad)).toBeInstanceOf(InputImageError);
      expect((error as Error).message).toMatch(/CIE L is 0\.\.100/);
    }
  });

  it('bounds every runtime number: tileSize, threads', async () => {
    for (const tileSize of [0, -5, Number.NaN, 1e6, 16.5]) {
      expect(await codeOf(colorize(plane(50), { model: TINY_PACK, steps: 1, tileSize })), String(tileSize)).toBe('OPTIONS');
    }
    for (const intraOpThreads of [-1, 1000, 1.5]) {
      expect(await codeOf(colorize(plane(50), { model: TINY_PACK, steps: 1, session: { intraOpThreads } })), String(intraOpThreads)).toBe('OPTIONS');
    }
    expect(await codeOf(colorize(plane(50), { model: TINY_PACK, steps: 1, tileSize: 16 }))).toBe('ok');
  });
});
