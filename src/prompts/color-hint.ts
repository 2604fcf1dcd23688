import { z } from 'zod';

/** The color constraints a user places on a photo, as the options schema takes them. */

export const HEX_COLOR = /^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$/;

/** No photo within the pixel limits is wider or taller than this. */
const MAX_HINT_COORDINATE = 1_000_000_000;

export const ColorHintSchema = z.object({
  /** Pixel coordinates in the input image (after EXIF orientation), origin top-left. */
  x: z.number().finite().nonnegative().max(MAX_HINT_COORDINATE),
  y: z.number().finite().nonnegative().max(MAX_HINT_COORDINATE),
  /** sRGB color as #rrggbb or #rgb; only its chroma is used, the photo's lightness is kept. */
  color: z.string().regex(HEX_COLOR, 'a color like "#cc2200" or "#c20"'),
  /** Radius in input pixels; default: about 1.5% of the image's short side. */
  radius: z.number().finite().positive().max(10_000).optional(),
});

/** A scribble: a polyline of input-pixel points painted with one color, `width` pixels wide. */
export const ColorStrokeSchema = z.object({
  points: z
    .array(z.tuple([z.number().finite().nonnegative(), z.number().finite().nonnegative()]))
    .min(1, 'at least one [x, y] point')
    .max(2000, 'at most 2000 points'),
  color: z.string().regex(HEX_COLOR, 'a color like "#cc2200" or "#c20"'),
  /** Stroke width in input pixels; default: twice the default hint radius. */
  width: z.number().finite().positive().max(10_000).optional(),
});

export type ColorHint = z.infer<typeof ColorHintSchema>;
export type ColorStroke = z.infer<typeof ColorStrokeSchema>;
