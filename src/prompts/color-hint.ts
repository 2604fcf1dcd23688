import { z } from 'zod';
import { colorNameHex, colorProblem, COLOR_NAMES } from './color-name.js';

/** The color constraints a user places on a photo, as the options schema takes them. */

export const HEX_COLOR = /^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$/;

/**
 * A color as users write it: hex (#rrggbb, #rgb) or a name from the prompt lexicon ("red", "navy"),
 * parsed to hex here, once, so everything after the boundary sees hex only.
 */
export const ColorSchema = z
  .string()
  .max(64)
  .refine((text) => HEX_COLOR.test(text) || colorNameHex(text) !== undefined, { error: (issue) => colorProblem(issue.input) })
  .transform((text) => colorNameHex(text) ?? text)
  .meta({
    description: `#rrggbb, #rgb, or a color name: ${COLOR_NAMES.join(', ')}`,
    anyOf: [{ pattern: HEX_COLOR.source }, { enum: [...COLOR_NAMES] }],
  });

/** No photo within the pixel limits is wider or taller than this. */
const MAX_HINT_COORDINATE = 1_000_000_000;

export const ColorHintSchema = z.object({
  /** Pixel coordinates in the input image (after EXIF orientation), origin top-left. */
  x: z.number().finite().nonnegative().max(MAX_HINT_COORDINATE),
  y: z.number().finite().nonnegative().max(MAX_HINT_COORDINATE),
  /** sRGB color as #rrggbb, #rgb or a lexicon name; only its chroma is used, the photo's lightness is kept. */
  color: ColorSchema,
  /** Radius in input pixels; default: about 1.5% of the image's short side. */
  radius: z.number().finite().positive().max(10_000).optional(),
});

/** A scribble: a polyline of input-pixel points painted with one color, `width` pixels wide. */
export const ColorStrokeSchema = z.object({
  points: z
    .array(z.tuple([z.number().finite().nonnegative(), z.number().finite().nonnegative()]))
    .min(1, 'at least one [x, y] point')
    .max(2000, 'at most 2000 points'),
  color: ColorSchema,
  /** Stroke width in input pixels; default: twice the default hint radius. */
  width: z.number().finite().positive().max(10_000).optional(),
});

export type ColorHint = z.infer<typeof ColorHintSchema>;
export type ColorStroke = z.infer<typeof ColorStrokeSchema>;

/**
 * An option's path as people count (hint 1, stroke 2, point 3): messages use it, while `issues[].path`
 * keeps the 0-based JSON path for programs. One rule for the library, the CLI and the HTTP API.
 */
export function optionLabel(path: readonly PropertyKey[]): string {
  const [head, k, ...rest] = path;
  const tail = (parts: readonly PropertyKey[]) => (parts.length > 0 ? ` ${parts.map(String).join('.')}` : '');
  if (typeof k === 'number' && head === 'hints') return `hint ${k + 1}${tail(rest)}`;
  if (typeof k === 'number' && head === 'strokes') {
    const [field, p, ...more] = rest;
    return field === 'points' && typeof p === 'number' ? `stroke ${k + 1}, point ${p + 1}${tail(more)}` : `stroke ${k + 1}${tail(rest)}`;
  }
  if (typeof k === 'number' && head === 'palette') return `palette color ${k + 1}`;
  return path.length === 0 ? '(options)' : path.map(String).join('.');
}
