import { OptionsError } from '../errors/index.js';
import type { ColorizeSettings } from './options-schema.js';
import { ColorizeOptionsSchema } from './options-schema.js';
import { optionLabel } from '../prompts/color-hint.js';

/** zod at the boundary: every problem is listed with its field path, and the call fails before any work. */
export function validateOptions(options: unknown): ColorizeSettings {
  const parsed = ColorizeOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const described = parsed.error.issues.map((i) => `${optionLabel(i.path)}: ${i.message}`);
    throw new OptionsError(`Invalid colorize options: ${described.join('; ')}`, {
      details: { issues },
    });
  }
  return parsed.data;
}
