import { ColorWizardError } from './color-wizard-error.js';

/** The input image cannot be used: empty, truncated, corrupted, unsupported or over the pixel limit. */
export class InputImageError extends ColorWizardError {
  readonly code = 'INPUT_IMAGE' as const;
}
