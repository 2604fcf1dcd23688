import { describe, expect, it } from 'vitest';
import { loadModelPack } from '../../src/packs/index.js';
import { createGenerator } from '../../src/random/index.js';
import { decodeAb, resizeArea, resizeBilinear } from '../../src/vqvae/index.js';
import { TINY_PACK } from '../helpers/tiny-pack.js';

describe('resizeBilinear (half-pixel centers, as PyTorch align_corners=False)', () => {
  it('matches hand-computed values for 2 → 4 upsampling', () => {
    // src [0, 1]: sample points at -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped) → 0, 0.25, 0.75, 1
    const out = resizeBilinear(Float32Array.from([0, 1]), 1, 1, 2, 1, 4);
    expect(Array.from(out)).toEqual([0, 0.25, 0.75, 1]);
  });

  it('keeps constants constant and resizes each channel on its own', () => {
    const src = new Float32Array(2 * 3 * 3);
    src.fill(2, 0, 9);
    src.fill(-1, 9);
    const out = resizeBilinear(src, 2, 3, 3, 7, 5);
    expect(out.slice(0, 35).every((v) => v === 2)).toBe(true);
    expect(out.slice(35).every((v) => v === -1)).toBe(true);
  });

  it('area-averages on downscale', () => {
    const out = resizeArea(Float32Array.from([0, 2, 4, 6]), 2, 2, 1, 1);
    expect(out[0]).toBe(3);
  });
});

describe('decodeAb', () => {
  it('gives the same chroma tiled and whole, for any image size (tile-safe decoder)', async () => {
    const pack = await loadModelPack(TINY_PACK);
    const { channels } = pack.manifest.latent;
    const h = pack.manifest.workingSize / pack.manifest.latent.downsample;
    const latent = createGenerator(3).fillNormal(new Float32Array(channels * h * h));
    const width = 150;
    const height = 97; // not a multiple of 4: exercises edge padding
    const L = new Float32Array(width * height).map((_, i) => 50 + 40 * Math.sin(i / 17));
    const whole = await decodeAb(pack, latent, L, width, height, { tileSize: 512, tileOverlap: 32 });
    let tiles = 0;
    const tiled = await decodeAb(pack, latent, L, width, height, { tileSize: 32, onTile: () => tiles++ });
    expect(tiles).toBe(5 * 4);
    let worst = 0;
    for (let i = 0; i < whole.a.length; i++) worst = Math.max(worst, Math.abs(whole.a[i] - tiled.a[i]), Math.abs(whole.b[i] - tiled.b[i]));
    // The manifest's overlap is the decoder's measured receptive field, so tiles agree with the whole image.
    expect(worst).toBeLessThan(1e-3);
    expect(whole.a.some((v) => v !== 0)).toBe(true);
  });

  it('stops between tiles when its signal is aborted', async () => {
    const pack = await loadModelPack(TINY_PACK);
    const controller = new AbortController();
    const latent = new Float32Array(4 * 8 * 8);
    const L = new Float32Array(64 * 64).fill(50);
    const run = decodeAb(pack, latent, L, 64, 64, {
      tileSize: 16,
      signal: controller.signal,
      onTile: (done) => {
        if (done === 2) controller.abort(new Error('stop'));
      },
    });
    await expect(run).rejects.toThrow('stop');
  });
});
