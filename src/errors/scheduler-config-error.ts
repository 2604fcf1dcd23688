import { ColorWizardError } from './color-wizard-error.js';

/** A scheduler config or call is invalid; the message lists the allowed values. */
export class SchedulerConfigError extends ColorWizardError {
  readonly code = 'SCHEDULER_CONFIG' as const;
}
