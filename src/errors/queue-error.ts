import { ColorWizardError } from './color-wizard-error.js';

/** The job queue (Redis) cannot be reached or used: wrong URL, server down, refused connection. */
export class QueueError extends ColorWizardError {
  readonly code = 'QUEUE' as const;
}
