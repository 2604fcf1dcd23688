import { ColorWizardError } from './color-wizard-error.js';

/** The run was cancelled through its AbortSignal. */
export class CancelledError extends ColorWizardError {
  readonly code = 'CANCELLED' as const;
}
