import { ColorWizardError } from './color-wizard-error.js';

/** Options given by the caller are invalid (wrong type, out of range, unknown value). */
export class OptionsError extends ColorWizardError {
  readonly code = 'OPTIONS' as const;
}
