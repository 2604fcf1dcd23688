import { OptionsError } from '../errors/index.js';
import type { ColorStroke } from '../pipeline/index.js';
import { parseNumber } from './flag-values.js';

const STROKE_FORM = '"x1,y1 x2,y2 … color [width]" (color: #rrggbb, #rgb or a name such as red)';

/**
 * `--stroke` number `index` (1-based): "x1,y1 x2,y2 … color [width]" → a stroke. The color is the first
 * word that is not a point; zod checks it and the ranges later with the other options.
 */
export function parseStrokeFlag(text: string, index = 1): ColorStroke {
  const label = `--stroke ${index} ${JSON.stringify(text)}`;
  const tokens = text.trim().split(/\s+/);
  const at = tokens.findIndex((t) => !t.includes(','));
  const rest = at < 0 ? [] : tokens.slice(at + 1);
  if (at < 1 || rest.length > 1) {
    throw new OptionsError(`${label} must look like ${STROKE_FORM}: points, then the color, then an optional width.`, { details: { flag: '--stroke', index, given: text } });
  }
  const number = (what: string, value: string) => {
    const n = parseNumber(value);
    if (n === undefined) throw new OptionsError(`${label}: ${what} ${JSON.stringify(value)} is not a number (form ${STROKE_FORM}).`, { details: { flag: '--stroke', index, given: text } });
    return n;
  };
  const points = tokens.slice(0, at).map((p, k): [number, number] => {
    const xy = p.split(',');
    if (xy.length !== 2) throw new OptionsError(`${label}: point ${k + 1} "${p}" is not "x,y" (form ${STROKE_FORM}).`, { details: { flag: '--stroke', index, given: text } });
    return [number(`point ${k + 1} x`, xy[0]!), number(`point ${k + 1} y`, xy[1]!)];
  });
  const color = tokens[at]!;
  const stroke: ColorStroke = { points, color: color.startsWith('#') ? color : color.toLowerCase() };
  if (rest.length === 1) stroke.width = number('width', rest[0]!);
  return stroke;
}

/** "#aa3322,#335577,…" or "red,navy" → the palette's colors (names lowercased for the schema). */
export function parsePaletteFlag(text: string): string[] {
  return text
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '')
    .map((c) => (c.startsWith('#') ? c : c.toLowerCase()));
}
