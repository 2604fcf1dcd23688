import { OptionsError } from '../errors/index.js';
import type { ColorHint } from '../pipeline/index.js';
import { parseNumber } from './flag-values.js';

const HINT_FORM = '"x,y,color" or "x,y,color,radius" (color: #rrggbb, #rgb or a name such as red)';

/**
 * `--hint` number `index` (1-based, as given): "x,y,color[,radius]" → a hint. Names are lowercased
 * here; the options schema turns them into hex and checks ranges with the other options.
 */
export function parseHintFlag(text: string, index = 1): ColorHint {
  const label = `--hint ${index} ${JSON.stringify(text)}`;
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length !== 3 && parts.length !== 4) {
    throw new OptionsError(`${label} must look like ${HINT_FORM}.`, { details: { flag: '--hint', index, given: text } });
  }
  const [x, y, color, radius] = parts as [string, string, string, string | undefined];
  const coordinate = (name: string, value: string) => {
    const n = parseNumber(value);
    if (n === undefined) throw new OptionsError(`${label}: ${name} ${JSON.stringify(value)} is not a number (form ${HINT_FORM}).`, { details: { flag: '--hint', index, given: text } });
    return n;
  };
  const hint: ColorHint = { x: coordinate('x', x), y: coordinate('y', y), color: color.startsWith('#') ? color : color.toLowerCase() };
  if (radius !== undefined) hint.radius = coordinate('radius', radius);
  return hint;
}
