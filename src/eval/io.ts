import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { mergeLightness } from '../color/index.js';
import { OptionsError } from '../errors/index.js';
import { readImage } from '../image/index.js';
import { compareNames, isImageFile } from './pairing.js';
import type { LabPlanes, Rgb8Image } from './types.js';

/** Pixel limit for images read by eval (the library's default). */
export const EVAL_MAX_PIXELS = 100_000_000;

/** Decodes a file or encoded buffer to 8-bit RGB: metrics are defined on 0..255, alpha is ignored. */
export async function readRgb8(source: string | Buffer, maxPixels = EVAL_MAX_PIXELS): Promise<Rgb8Image> {
  const image = await readImage(source, { maxPixels });
  return { width: image.width, height: image.height, rgb: toRgb8(image.rgb) };
}

export function toRgb8(rgb: Uint8Array | Uint16Array): Uint8Array {
  if (rgb instanceof Uint8Array) return rgb;
  const out = new Uint8Array(rgb.length);
  // 65535 / 255 = 257 exactly, so this is the nearest 8-bit code.
  for (let i = 0; i < rgb.length; i++) out[i] = Math.round(rgb[i] / 257);
  return out;
}

/** Image file names in a folder, natural order; an OptionsError when the folder cannot be listed. */
export async function listImages(dir: string, what: string): Promise<string[]> {
  let names: string[];
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    names = entries.filter((e) => e.isFile() && isImageFile(e.name)).map((e) => e.name);
  } catch (error) {
    throw new OptionsError(`cannot read the ${what} folder ${dir}: ${(error as Error).message}`, { cause: error, details: { dir } });
  }
  return names.sort(compareNames);
}

export function joinDir(dir: string, name: string): string {
  return path.join(dir, name);
}

/** The "no color" rendering of a Lab image: its L with a = b = 0. */
export function grayOf(lab: LabPlanes): Rgb8Image {
  const n = lab.width * lab.height;
  const zeros = new Float32Array(n);
  return { width: lab.width, height: lab.height, rgb: mergeLightness(lab.L, zeros, zeros, lab.width, lab.height) };
}
