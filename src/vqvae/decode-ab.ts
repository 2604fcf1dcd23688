import type { ModelPack } from '../packs/index.js';
import { resizeBilinear } from './bilinear.js';
import { normalizeLightness } from './encode-gray.js';

export interface DecodeOptions {
  /** Core tile edge in pixels (multiple of the pack's multipleOf); the pack's default when absent. */
  tileSize?: number;
  /** Context added around each tile and cropped away after decoding. */
  tileOverlap?: number;
  /** Checked between tiles so cancellation is prompt on large images. */
  signal?: AbortSignal;
  onTile?: (done: number, total: number) => void;
}

/** One decoder call: the core region it writes and the window (core plus context) it reads. */
export interface DecodeTile {
  cx0: number;
  cy0: number;
  cx1: number;
  cy1: number;
  wx0: number;
  wy0: number;
  wx1: number;
  wy1: number;
}

/**
 * The tiles decodeAb runs for a width×height L plane: padded to a multiple of m (at least 4), cores of
 * `tileSize`, each window `tileOverlap` larger on every side. Exported so progress estimates count the
 * decoder's real work (windows overlap) rather than the photo's pixels.
 */
export function decodeTiles(
  width: number,
  height: number,
  decoder: { multipleOf: number; tileSize: number; tileOverlap: number },
  options: Pick<DecodeOptions, 'tileSize' | 'tileOverlap'> = {},
): { tiles: DecodeTile[]; paddedWidth: number; paddedHeight: number } {
  const m = Math.max(decoder.multipleOf, 4);
  const roundUp = (v: number) => Math.ceil(v / m) * m;
  const tile = roundUp(options.tileSize ?? decoder.tileSize);
  const overlap = roundUp(options.tileOverlap ?? decoder.tileOverlap);
  const W = roundUp(width);
  const H = roundUp(height);
  const tiles: DecodeTile[] = [];
  for (let cy0 = 0; cy0 < H; cy0 += tile) {
    for (let cx0 = 0; cx0 < W; cx0 += tile) {
      const cy1 = Math.min(H, cy0 + tile);
      const cx1 = Math.min(W, cx0 + tile);
      tiles.push({ cx0, cy0, cx1, cy1, wx0: Math.max(0, cx0 - overlap), wy0: Math.max(0, cy0 - overlap), wx1: Math.min(W, cx1 + overlap), wy1: Math.min(H, cy1 + overlap) });
    }
  }
  return { tiles, paddedWidth: W, paddedHeight: H };
}

/**
 * Lightness-aware decoding of one quantized latent [C, h, w] against the full-resolution L:
 * the latent is upsampled to (H/4, W/4) as in training, then the decoder runs tile by tile over
 * L (edge-padded to a multiple of 4). Each tile carries `overlap` pixels of context that are cropped,
 * so memory stays bounded by the tile size whatever the photo's size.
 */
export async function decodeAb(
  pack: ModelPack,
  latent: Float32Array,
  L: Float32Array,
  width: number,
  height: number,
  options: DecodeOptions = {},
): Promise<{ a: Float32Array; b: Float32Array }> {
  const { channels, downsample } = pack.manifest.latent;
  const h = pack.manifest.workingSize / downsample;
  const f = 4; // decoder's L : latent ratio (docs/model-pack.md)
  const { tiles, paddedWidth: W, paddedHeight: H } = decodeTiles(width, height, pack.manifest.decoder, options);
  const grid = resizeBilinear(latent, channels, h, h, H / f, W / f);

  const a = new Float32Array(width * height);
  const b = new Float32Array(width * height);
  let done = 0;
  // Core region and its context window, all multiples of m so latent and L stay aligned.
  for (const { cx0, cy0, cx1, cy1, wx0, wy0, wx1, wy1 } of tiles) {
    if (options.signal?.aborted) throw options.signal.reason;
    const th = wy1 - wy0;
    const tw = wx1 - wx0;
    const lTile = new Float32Array(th * tw);
    const inside = Math.max(0, Math.min(tw, width - wx0)); // columns that exist; the rest is edge padding
    for (let y = 0; y < th; y++) {
      const row = Math.min(height - 1, wy0 + y) * width; // edge padding below the image
      const o = y * tw;
      lTile.set(L.subarray(row + wx0, row + wx0 + inside), o);
      if (inside < tw) lTile.fill(L[row + width - 1], o + inside, o + tw);
    }
    normalizeLightness(lTile, lTile);
    const gh = th / f;
    const gw = tw / f;
    const zTile = new Float32Array(channels * gh * gw);
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < gh; y++) {
        const src = c * (H / f) * (W / f) + (wy0 / f + y) * (W / f) + wx0 / f;
        zTile.set(grid.subarray(src, src + gw), c * gh * gw + y * gw);
      }
    }
    const out = await pack.models.decoder.run({
      latent: { data: zTile, dims: [1, channels, gh, gw] },
      lightness: { data: lTile, dims: [1, 1, th, tw] },
    });
    const ab = out.ab.data;
    const plane = th * tw;
    const xEnd = Math.min(cx1, width);
    for (let y = cy0; y < Math.min(cy1, height); y++) {
      const i = (y - wy0) * tw + (cx0 - wx0);
      a.set(ab.subarray(i, i + xEnd - cx0), y * width + cx0);
      b.set(ab.subarray(plane + i, plane + i + xEnd - cx0), y * width + cx0);
    }
    options.onTile?.(++done, tiles.length);
  }
  return { a, b };
}
