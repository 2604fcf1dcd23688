import { OptionsError } from '../errors/index.js';
import type { ColorHint } from '../pipeline/index.js';

/** "x,y,#rrggbb" or "x,y,#rrggbb,radius" → a hint; zod checks ranges later with the other options. */
export function parseHintFlag(text: string): ColorHint {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length !== 3 && parts.length !== 4) {
    throw new OptionsError(`--hint "${text}" must look like "x,y,#rrggbb" or "x,y,#rrggbb,radius".`, { details: { given: text } });
  }
  const [x, y, color, radius] = parts;
  const hint: ColorHint = { x: Number(x), y: Number(y), color };
  if (radius !== undefined) hint.radius = Number(radius);
  return hint;
}
