import { rgbToLab } from '../color/index.js';
import { isColorWizardError, OptionsError } from '../errors/index.js';
import type { ReferenceLab } from '../hints/index.js';
import { readImage } from '../image/index.js';

/** A `data:image/…;base64,` URL's bytes, or undefined when the text is not one. */
export function dataUrlBytes(text: string): Buffer | undefined {
  const m = /^data:image\/[a-z0-9.+-]+;base64,/i.exec(text);
  if (m === null) return undefined;
  const payload = text.slice(m[0].length).replace(/\s+/g, '');
  // Buffer.from skips invalid characters silently, so check the alphabet first.
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload)) throw new OptionsError('reference: the data: URL is not valid base64', { details: { issues: [{ path: 'reference', message: 'not valid base64' }] } });
  return Buffer.from(payload, 'base64');
}

/** Reads the reference photo (a path or a data: URL) as Lab; any problem with it is an options error. */
export async function readReference(reference: string, maxPixels: number): Promise<ReferenceLab> {
  const source = dataUrlBytes(reference) ?? reference;
  try {
    const image = await readImage(source, { maxPixels });
    const lab = rgbToLab(image.rgb, image.width, image.height);
    return { width: image.width, height: image.height, L: lab.L, a: lab.a, b: lab.b };
  } catch (error) {
    if (!isColorWizardError(error) || error.code !== 'INPUT_IMAGE') throw error;
    throw new OptionsError(`reference: ${error.message}`, { cause: error, details: { issues: [{ path: 'reference', message: error.message }] } });
  }
}
