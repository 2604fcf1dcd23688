import { ColorWizardError } from './color-wizard-error.js';

/** An invariant of the package itself broke: a bug, please report it. */
export class InternalError extends ColorWizardError {
  readonly code = 'INTERNAL' as const;
}
