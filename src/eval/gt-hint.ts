import type { ColorHint } from '../pipeline/index.js';
import type { EvalImage } from './eval-run.js';

/** A hint at (x, y) of the ground truth's own colour there, as the eval's simulated users give them. */
export function gtHint(image: EvalImage, x: number, y: number): ColorHint {
  const p = 3 * (y * image.gt.width + x);
  const rgb = image.gt.rgb;
  return { x, y, color: `#${[rgb[p], rgb[p + 1], rgb[p + 2]].map((v) => v.toString(16).padStart(2, '0')).join('')}` };
}
