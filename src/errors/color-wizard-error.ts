/** Every error code this package throws; each subclass pins exactly one. */
export type ErrorCode =
  | 'INPUT_IMAGE'
  | 'OPTIONS'
  | 'MODEL_PACK'
  | 'MODEL_RUN'
  | 'SCHEDULER_CONFIG'
  | 'CANCELLED'
  | 'OUTPUT'
  | 'QUEUE'
  | 'INTERNAL';

export interface ColorWizardErrorOptions {
  cause?: unknown;
  /** Structured detail (e.g. zod issues, file name) for JSON output and HTTP bodies. */
  details?: Record<string, unknown>;
}

/** Base class: catch this (or use isColorWizardError) to handle every error of the package. */
export abstract class ColorWizardError extends Error {
  abstract readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(message: string, options: ColorWizardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details ?? {};
  }

  /** Serializable form for --json output, HTTP error bodies and machine context. */
  toJSON(): { name: string; code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

export function isColorWizardError(value: unknown): value is ColorWizardError {
  return value instanceof ColorWizardError;
}
