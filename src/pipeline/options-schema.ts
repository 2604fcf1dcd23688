import { z } from 'zod';
import { ColorHintSchema, ColorSchema, ColorStrokeSchema } from '../prompts/color-hint.js';
import { SCHEDULER_NAMES } from '../schedulers/scheduler.js';
import { TEMPERATURE_MAX } from '../schedulers/temperature.js';
import { ANCHOR_MAX } from '../schedulers/anchor-schedule.js';

// The hint shapes belong to prompts (which turns them into hint maps); re-exported as part of the options.
export { ColorHintSchema, ColorSchema, ColorStrokeSchema, HEX_COLOR } from '../prompts/color-hint.js';
export type { ColorHint, ColorStroke } from '../prompts/color-hint.js';

/** Serializable colorize options: the same schema validates library calls, CLI flags and HTTP bodies. */

/**
 * A reference photo whose colors are transferred: a file path (library, CLI) or a `data:image/…;base64,`
 * URL (the only form HTTP accepts, since a path would name a file on the server).
 */
export const ReferenceSchema = z.string().min(1).max(80_000_000, 'at most 80 MB as a data: URL');

export const OUTPUT_FORMATS = ['png', 'jpeg', 'webp', 'avif'] as const;

export const ColorizeOptionsSchema = z
  .object({
    prompt: z.string().max(1000, 'at most 1000 characters').default(''),
    negativePrompt: z.string().max(1000, 'at most 1000 characters').default(''),
    samples: z.number().int().min(1).max(16).default(1),
    /** Seed of sample 1; sample k uses seed + k - 1, so it can be reproduced alone. Random when absent. */
    seed: z.number().int().min(0).max(0xffff_ffff).optional(),
    /** Denoising steps; the pack's default when absent. */
    steps: z.number().int().min(1).max(500).optional(),
    /** Scheduler name (one of SCHEDULER_NAMES); the pack's default when absent. */
    scheduler: z.enum(SCHEDULER_NAMES).optional(),
    /** Classifier-free guidance scale; 1 disables the unconditional pass. The pack's default when absent. */
    guidance: z.number().finite().min(0).max(30).optional(),
    /**
     * How far samples stray from the model's most likely colors: the standard deviation of the starting noise
     * (and of any noise a stochastic scheduler adds). 0 gives the most likely colorization (every sample
     * alike), 1 the model's full spread. The pack's default when absent.
     */
    temperature: z.number().finite().min(0).max(TEMPERATURE_MAX).optional(),
    /**
     * How much a run leans on the pack's anchor (its semantic head's colour guess): 0 starts from pure noise,
     * higher starts from the guess at a lower noise level, so samples stay closer to it. Only packs with an
     * anchor head take a value above 0; the pack's default when absent.
     */
    anchor: z.number().finite().min(0).max(ANCHOR_MAX).optional(),
    hints: z.array(ColorHintSchema).max(256, 'at most 256 hints').default([]),
    strokes: z.array(ColorStrokeSchema).max(64, 'at most 64 strokes').default([]),
    /** Colors of this photo are transferred, matched by lightness and local texture, as hints. */
    reference: ReferenceSchema.optional(),
    /** Restricts the result's hues to those of these colors (chroma and L are kept). */
    palette: z.array(ColorSchema).min(1).max(32, 'at most 32 colors').optional(),
    /** Chroma scale at constant L and hue, gamut-mapped: 0 gray, 1 as predicted, 2 double. */
    strength: z.number().finite().min(0).max(2).default(1),
    format: z.enum(OUTPUT_FORMATS).default('png'),
    /** JPEG/WebP/AVIF quality. */
    quality: z.number().int().min(1).max(100).default(92),
    /** 16-bit PNG output keeps the full precision of 16-bit inputs. */
    bitDepth: z.union([z.literal(8), z.literal(16)]).optional(),
    /** Re-embed the input's EXIF/ICC in the output. */
    keepMetadata: z.boolean().default(true),
    /** Model pack folder or name under models/; the default pack when absent. */
    model: z.string().min(1).optional(),
    /**
     * The lightness-aware decoder runs at most at this many pixels; larger photos get its chroma carried to
     * full resolution by guided upsampling on their own L (linear cost). Raise it for the decoder at full size.
     */
    decodeMaxPixels: z.number().int().min(4096).max(1_000_000_000).default(1_048_576),
    /** Refuse inputs above this many pixels (checked from the header). */
    maxPixels: z.number().int().positive().max(1_000_000_000).default(100_000_000),
  })
  .strict();

export type ColorizeOptionsInput = z.input<typeof ColorizeOptionsSchema>;
export type ColorizeSettings = z.output<typeof ColorizeOptionsSchema>;
