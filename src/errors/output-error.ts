import { ColorWizardError } from './color-wizard-error.js';

/** Writing a result failed (unwritable folder, unsupported output format). */
export class OutputError extends ColorWizardError {
  readonly code = 'OUTPUT' as const;
}
