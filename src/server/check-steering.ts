import { checkInside } from '../hints/resolve-hints.js';
import { dataUrlBytes } from '../pipeline/read-reference.js';
import type { ColorizeSettings } from '../pipeline/options-schema.js';
import { isColorWizardError } from '../errors/index.js';
import { HttpError } from './http-errors.js';
import type { ProbeFn } from './submission.js';

/**
 * Before a job is queued: hints and strokes inside the image, and a reference that is a readable
 * image sent with the request (a data: URL; a path would name a file on the server). 400 OPTIONS.
 */
export async function checkSteering(options: ColorizeSettings, size: { width: number; height: number } | undefined, probe: ProbeFn | undefined): Promise<void> {
  if (size !== undefined) {
    try {
      checkInside(options.hints, options.strokes, size.width, size.height);
    } catch (error) {
      if (!isColorWizardError(error)) throw error;
      throw new HttpError(400, 'OPTIONS', error.message, error.details);
    }
  }
  if (options.reference === undefined) return;
  const bad = (message: string) => new HttpError(400, 'OPTIONS', `reference: ${message}`, { issues: [{ path: ['reference'], message }] });
  let bytes: Buffer | undefined;
  try {
    bytes = dataUrlBytes(options.reference);
  } catch (error) {
    throw bad((error as Error).message.replace(/^reference: /, ''));
  }
  if (bytes === undefined) throw bad('send the reference photo as a data:image/…;base64 URL or as the multipart file "reference"');
  if (bytes.length === 0) throw bad('the reference image is empty');
  if (probe === undefined) return;
  try {
    await probe(bytes, { maxPixels: options.maxPixels });
  } catch (error) {
    if (!isColorWizardError(error)) throw error;
    throw bad(error.message);
  }
}

/** The probe's answer as a size, when it gives one. */
export function sizeOf(probed: unknown): { width: number; height: number } | undefined {
  const p = probed as { width?: unknown; height?: unknown } | undefined;
  return typeof p?.width === 'number' && typeof p.height === 'number' ? { width: p.width, height: p.height } : undefined;
}
