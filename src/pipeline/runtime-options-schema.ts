import { z } from 'zod';
import { OptionsError } from '../errors/index.js';
import { SessionSettingsSchema } from '../runtime/index.js';
import type { ColorizeRuntimeOptions } from './types.js';

/** Largest decoder tile edge: beyond it a tile's activations no longer bound memory. 0 looped forever. */
export const MAX_TILE_SIZE = 4096;

/** The non-serializable options of a run (callbacks, signal, ORT settings, tiling), checked once per call. */
export const RuntimeOptionsSchema = z.object({
  onProgress: z.custom<(event: unknown) => void>((v) => typeof v === 'function', 'a function').optional(),
  signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal, 'an AbortSignal').optional(),
  session: SessionSettingsSchema.optional(),
  /** Decoder tile edge in pixels. */
  tileSize: z.number().int().min(16).max(MAX_TILE_SIZE).optional(),
});

export function validateRuntimeOptions(options: unknown): ColorizeRuntimeOptions {
  if (options === null || typeof options !== 'object') {
    throw new OptionsError(`Invalid colorize options: expected an object, got ${options === null ? 'null' : typeof options}`, { details: { given: options === null ? 'null' : typeof options } });
  }
  const { onProgress, signal, session, tileSize, detector } = options as Record<string, unknown>;
  const parsed = RuntimeOptionsSchema.safeParse({ onProgress, signal, session, tileSize });
  if (detector !== undefined && typeof detector !== 'function') {
    throw new OptionsError('Invalid colorize options: detector: expected a function', { details: { issues: [{ path: 'detector', message: 'expected a function' }] } });
  }
  if (parsed.success) return { ...(parsed.data as ColorizeRuntimeOptions), ...(detector ? { detector: detector as ColorizeRuntimeOptions['detector'] } : {}) };
  const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new OptionsError(`Invalid colorize options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { details: { issues } });
}
