import { OptionsError } from '../errors/index.js';
import type { ColorHint } from './color-hint.js';
import { hexToAb } from './parse-prompt.js';

/** Lab a/b normalization shared with training (docs/model-pack.md). */
export const AB_SCALE = 110;

/**
 * Paints color hints (image coordinates) into the guider's hint map [3, S, S]: a/110, b/110, mask.
 * The working image is the whole photo squeezed to S×S, so x and y scale independently.
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

export function buildHintMap(hints: readonly ColorHint[], width: number, height: number, size: number): Float32Array {
  const map = new Float32Array(3 * size * size);
  checkHintBounds(hints, width, height);
  for (const hint of hints) {
    const [a, b] = hexToAb(hint.color);
    const radius = hint.radius ?? Math.max(1, 0.015 * Math.min(width, height));
    paintHint(map, { x: hint.x, y: hint.y, r: radius, a, b }, width, height, size);
  }
  return map;
}

/** A hint as the map paints it: center and radius in image pixels, chroma as CIE a, b. */
export interface HintMapPoint {
  x: number;
  y: number;
  r: number;
  a: number;
  b: number;
}

/** The hint map of points already resolved to chroma (strokes, reference matches, object boxes). */
export function buildHintMapFromPoints(points: readonly HintMapPoint[], width: number, height: number, size: number): Float32Array {
  const map = new Float32Array(3 * size * size);
  for (const p of points) paintHint(map, p, width, height, size);
  return map;
}

function paintHint(map: Float32Array, { x: hx, y: hy, r: radius, a, b }: HintMapPoint, width: number, height: number, size: number): void {
  const plane = size * size;
  const cx = ((hx + 0.5) / width) * size - 0.5;
  const cy = ((hy + 0.5) / height) * size - 0.5;
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
