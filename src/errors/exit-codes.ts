import type { ErrorCode } from './color-wizard-error.js';
import { isColorWizardError } from './color-wizard-error.js';

/** Distinct process exit codes per error code, so scripts can tell failures apart. 1 = some inputs of a batch failed. */
export const EXIT_CODES: Readonly<Record<ErrorCode | 'OK' | 'PARTIAL' | 'USAGE' | 'UNKNOWN', number>> = Object.freeze({
  OK: 0,
  PARTIAL: 1,
  USAGE: 2,
  OPTIONS: 3,
  INPUT_IMAGE: 4,
  MODEL_PACK: 5,
  MODEL_RUN: 6,
  SCHEDULER_CONFIG: 7,
  OUTPUT: 8,
  QUEUE: 9,
  CANCELLED: 130,
  INTERNAL: 70,
  UNKNOWN: 70,
});

export function exitCodeFor(error: unknown): number {
  return isColorWizardError(error) ? EXIT_CODES[error.code] : EXIT_CODES.UNKNOWN;
}
