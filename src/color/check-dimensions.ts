import { OptionsError } from '../errors/index.js';

/** Throws OptionsError unless width and height are positive integers; returns the pixel count. */
export function checkDimensions(width: number, height: number, what: string): number {
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width <= 0 || height <= 0) {
    throw new OptionsError(`${what}: expected positive integer width and height, got ${String(width)}×${String(height)}`, {
      details: { width, height },
    });
  }
  return width * height;
}

/** Throws OptionsError unless `array.length` is exactly `expected`. */
export function checkLength(array: ArrayLike<number>, expected: number, what: string): void {
  if (array.length !== expected) {
    throw new OptionsError(`${what}: expected ${expected} values, got ${array.length}`, {
      details: { expected, given: array.length },
    });
  }
}

/** Throws OptionsError unless channels is 3 or 4. */
export function checkChannels(channels: number, what: string): 3 | 4 {
  if (channels !== 3 && channels !== 4) {
    throw new OptionsError(`${what}: expected channels 3 or 4, got ${String(channels)}`, { details: { channels } });
  }
  return channels;
}
