import { OptionsError } from '../errors/index.js';
import type { ColorHint } from '../pipeline/options-schema.js';
import { hexToAb } from './parse-prompt.js';

/** Lab a/b normalization shared with training (docs/model-pack.md). */
export const AB_SCALE = 110;

/**
 * Throws OptionsError for the first hint outside a width×height image (coordinates after EXIF orientation).
 * The server calls it with the probed size before queueing; buildHintMap calls it for library runs.
 */
export function checkHintBounds(hints: readonly ColorHint[], width: number, height: number): void {
  for (const [k, hint] of hints.entries()) {
    if (hint.x >= width || hint.y >= height) {
      throw new OptionsError(`Hint ${k + 1} at (${hint.x}, ${hint.y}) lies outside the ${width}×${height} image.`, {
        details: { hint: k + 1, x: hint.x, y: hint.y, width, height },
      });
    }
  }
}

/**
 * Paints color hints (image coordinates) into the guider's hint map [3, S, S]: a/110, b/110, mask.
 * The working image is the whole photo squeezed to S×S, so x and y scale independently.
 */
export function buildHintMap(hints: readonly ColorHint[], width: number, height: number, size: number): Float32Array {
  const map = new Float32Array(3 * size * size);
  const plane = size * size;
  checkHintBounds(hints, width, height);
  for (const hint of hints) {
    const [a, b] = hexToAb(hint.color);
    const radius = hint.radius ?? Math.max(1, 0.015 * Math.min(width, height));
    const cx = ((hint.x + 0.5) / width) * size - 0.5;
    const cy = ((hint.y + 0.5) / height) * size - 0.5;
    // At least the nearest working pixel is painted, however small the radius.
    const rx = Math.max(0.5, (radius / width) * size);
    const ry = Math.max(0.5, (radius / height) * size);
    for (let y = Math.max(0, Math.floor(cy - ry)); y <= Math.min(size - 1, Math.ceil(cy + ry)); y++) {
      for (let x = Math.max(0, Math.floor(cx - rx)); x <= Math.min(size - 1, Math.ceil(cx + rx)); x++) {
        const dx = (x - cx) / rx;
        const dy = (y - cy) / ry;
        if (dx * dx + dy * dy > 1 && !(Math.round(cx) === x && Math.round(cy) === y)) continue;
        const i = y * size + x;
        map[i] = a / AB_SCALE;
        map[plane + i] = b / AB_SCALE;
        map[2 * plane + i] = 1;
      }
    }
  }
  return map;
}
