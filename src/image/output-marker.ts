import { sharp } from './sharp-instance.js';

/**
 * Every image Color Wizard writes says so (PNG tEXt "Software", EXIF IFD0 Software elsewhere),
 * so a folder run can tell its own earlier outputs from photos and never colorize them again.
 */
export const OUTPUT_SOFTWARE = 'color-wizard';

/** True when the file (or bytes) carries the marker; unreadable files are not ours. */
export async function isColorWizardOutput(input: string | Buffer): Promise<boolean> {
  try {
    const meta = await sharp(input).metadata();
    if (meta.comments?.some((c) => c.keyword === 'Software' && c.text === OUTPUT_SOFTWARE)) return true;
    return meta.exif?.includes(OUTPUT_SOFTWARE, 0, 'latin1') === true;
  } catch {
    return false;
  }
}
