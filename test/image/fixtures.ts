/** Test images made in code, so no binary fixtures need committing. */
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { pngChunk } from '../../src/image/png-chunks.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A PNG of signature + IHDR (+ a tiny IDAT) + IEND: the header claims width × height, the pixels are
 * absent. Without IDAT libvips calls the header corrupt; with it, only a size check can refuse it.
 */
export function headerOnlyPng(width: number, height: number, options: { withIdat?: boolean } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const idat = options.withIdat === true ? [pngChunk('IDAT', deflateSync(Buffer.alloc(16)))] : [];
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), ...idat, pngChunk('IEND', new Uint8Array(0))]);
}

/** Seeded noise so lossy encoders and truncation have real data to chew on. */
export function noise(width: number, height: number, channels: number, seed = 1): Buffer {
  const out = Buffer.alloc(width * height * channels);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** A w×h image with left half one colour and right half another: orientation becomes visible. */
export function halves(width: number, height: number, left: [number, number, number], right: [number, number, number]): Buffer {
  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out.set(x < width / 2 ? left : right, (y * width + x) * 3);
  }
  return out;
}

export function raw(data: Buffer | Uint16Array, width: number, height: number, channels: 1 | 2 | 3 | 4) {
  return sharp(data, { raw: { width, height, channels } });
}
