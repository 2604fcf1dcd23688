import { OptionsError } from '../errors/index.js';

export interface ImageLimits {
  /** Largest width × height accepted (default 100 000 000); checked from the header before decoding. */
  maxPixels?: number;
  /** Largest encoded input size in bytes (default: no limit). */
  maxInputBytes?: number;
}

export const DEFAULT_MAX_PIXELS = 100_000_000;

/** Validates limits and fills defaults; OptionsError names the bad field. */
export function resolveLimits(limits: ImageLimits = {}): Required<ImageLimits> {
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_PIXELS;
  const maxInputBytes = limits.maxInputBytes ?? Number.POSITIVE_INFINITY;
  if (!Number.isSafeInteger(maxPixels) || maxPixels <= 0) {
    throw new OptionsError(`maxPixels: expected a positive integer, got ${String(maxPixels)}`, { details: { maxPixels } });
  }
  if (!(maxInputBytes === Number.POSITIVE_INFINITY || (Number.isSafeInteger(maxInputBytes) && maxInputBytes > 0))) {
    throw new OptionsError(`maxInputBytes: expected a positive integer, got ${String(maxInputBytes)}`, { details: { maxInputBytes } });
  }
  return { maxPixels, maxInputBytes };
}
