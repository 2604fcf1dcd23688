import { OptionsError, isColorWizardError } from '../errors/index.js';
import { ColorizeOptionsSchema } from '../pipeline/index.js';
import { optionLabel } from '../prompts/index.js';
import { MAX_INTRA_OP_THREADS } from '../runtime/index.js';

/**
 * Flag values as people type them, checked with messages in their words: "--samples abc is not a
 * number" rather than zod's "expected number, received NaN". Ranges come from the options schema
 * itself (one source of truth), so help, messages and validation agree.
 */

export interface NumberRange {
  min: number;
  max: number;
  integer: boolean;
}

type NumericField = 'samples' | 'seed' | 'steps' | 'guidance' | 'temperature' | 'anchor' | 'strength' | 'quality' | 'maxPixels' | 'decodeMaxPixels';

/** A zod number's bounds, through its optional/default wrappers. */
function rangeOf(field: NumericField): NumberRange {
  let schema = ColorizeOptionsSchema.shape[field] as unknown as { unwrap?: () => unknown; minValue?: number | null; maxValue?: number | null; isInt?: boolean };
  while (typeof schema.unwrap === 'function') schema = schema.unwrap() as typeof schema;
  return { min: schema.minValue ?? -Infinity, max: schema.maxValue ?? Infinity, integer: schema.isInt === true };
}

export const RANGES: Readonly<Record<NumericField | 'threads', NumberRange>> = {
  samples: rangeOf('samples'),
  seed: rangeOf('seed'),
  steps: rangeOf('steps'),
  guidance: rangeOf('guidance'),
  temperature: rangeOf('temperature'),
  anchor: rangeOf('anchor'),
  strength: rangeOf('strength'),
  quality: rangeOf('quality'),
  maxPixels: { ...rangeOf('maxPixels'), min: 1 },
  decodeMaxPixels: rangeOf('decodeMaxPixels'),
  threads: { min: 0, max: MAX_INTRA_OP_THREADS, integer: true },
};

/** "1–16", "0–2". */
export function rangeText(range: NumberRange): string {
  return `${range.min}–${range.max}`;
}

function expected(range: NumberRange): string {
  return `${range.integer ? 'a whole number' : 'a number'} from ${range.min} to ${range.max}`;
}

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

/** A number typed by a person: digits, a sign, a point, an exponent; "", "12abc", "0x10" are not. */
export function parseNumber(text: string): number | undefined {
  return NUMBER.test(text) ? Number(text) : undefined;
}

/** A numeric flag's value, or an OptionsError that says what was typed and what is expected. */
export function numberFlag(flag: string, text: string | undefined, range: NumberRange): number | undefined {
  if (text === undefined) return undefined;
  const value = parseNumber(text);
  const shown = JSON.stringify(text);
  const fail = (why: string) => new OptionsError(`${flag} ${shown} ${why}: give ${expected(range)}.`, { details: { flag, given: text, minimum: range.min, maximum: range.max } });
  if (value === undefined) throw fail('is not a number');
  if (range.integer && !Number.isInteger(value)) throw fail('is not a whole number');
  if (value < range.min || value > range.max) throw fail('is out of range');
  return value;
}

/** Options whose problems are shown under the flag that set them. */
const FLAGS: Record<string, string> = {
  prompt: '--prompt',
  negativePrompt: '--negative-prompt',
  samples: '--samples',
  seed: '--seed',
  steps: '--steps',
  scheduler: '--scheduler',
  guidance: '--guidance',
  temperature: '--temperature',
  anchor: '--anchor',
  reference: '--reference',
  palette: '--palette',
  strength: '--strength',
  format: '--format',
  quality: '--quality',
  bitDepth: '--bit-depth',
  model: '--model',
  maxPixels: '--max-pixels',
  decodeMaxPixels: '--decode-max-pixels',
};

/** What each repeatable flag was given, so a problem quotes the text a person typed. */
export interface FlagTexts {
  hints: readonly string[];
  strokes: readonly string[];
}

/**
 * A library OptionsError retold in flags: `hints.1.color` becomes `--hint 2 "120,80,redd": color: …`,
 * counted from 1 as flags are given. Other errors pass unchanged.
 */
export function inFlags(error: unknown, texts: FlagTexts): unknown {
  if (!isColorWizardError(error) || error.code !== 'OPTIONS') return error;
  const issues = error.details.issues;
  if (!Array.isArray(issues) || issues.length === 0) return error;
  const lines = issues.map((issue: { path?: unknown; message?: unknown }) => {
    const path = typeof issue.path === 'string' ? issue.path.split('.').filter((p) => p !== '').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : [];
    const message = String(issue.message ?? '');
    const [head, k, ...rest] = path;
    if ((head === 'hints' || head === 'strokes') && typeof k === 'number') {
      const flag = head === 'hints' ? '--hint' : '--stroke';
      const text = (head === 'hints' ? texts.hints : texts.strokes)[k];
      const where = optionLabel(path).replace(/^(hint|stroke) \d+,? ?/, '');
      return `${flag} ${k + 1}${text === undefined ? '' : ` ${JSON.stringify(text)}`}${where === '' ? '' : ` (${where})`}: ${message}`;
    }
    if (head === 'palette' && typeof k === 'number') return `--palette color ${k + 1}: ${message}`;
    const flag = typeof head === 'string' ? FLAGS[head] : undefined;
    return `${flag ?? optionLabel(path)}: ${message}`;
  });
  return new OptionsError(lines.join('; '), { details: error.details, cause: error });
}
