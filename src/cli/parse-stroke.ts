import { OptionsError } from '../errors/index.js';
import type { ColorStroke } from '../pipeline/index.js';

const STROKE_FORM = '"x1,y1 x2,y2 … #rrggbb [width]"';

/** "x1,y1 x2,y2 … #rrggbb [width]" → a stroke; zod checks ranges later with the other options. */
export function parseStrokeFlag(text: string): ColorStroke {
  const tokens = text.trim().split(/\s+/);
  const at = tokens.findIndex((t) => t.startsWith('#'));
  const rest = at < 0 ? [] : tokens.slice(at + 1);
  if (at < 1 || rest.length > 1) {
    throw new OptionsError(`--stroke "${text}" must look like ${STROKE_FORM}: points, then the color, then an optional width.`, { details: { given: text } });
  }
  const points = tokens.slice(0, at).map((p): [number, number] => {
    const xy = p.split(',');
    if (xy.length !== 2) throw new OptionsError(`--stroke "${text}": "${p}" is not a point "x,y" (form ${STROKE_FORM}).`, { details: { given: text } });
    return [Number(xy[0]), Number(xy[1])];
  });
  const stroke: ColorStroke = { points, color: tokens[at] };
  if (rest.length === 1) stroke.width = Number(rest[0]);
  return stroke;
}

/** "#aa3322,#335577,…" → the palette's colors. */
export function parsePaletteFlag(text: string): string[] {
  return text.split(',').map((c) => c.trim()).filter((c) => c !== '');
}
