import { isColorWizardError, type ErrorCode } from '../errors/index.js';

/** Codes the HTTP layer adds to the library's ErrorCode. */
export type HttpErrorCode =
  | ErrorCode
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'QUEUE_FULL'
  | 'NOT_READY'
  | 'URI_TOO_LONG'
  | 'JOB_TOO_LARGE'
  | 'SHUTTING_DOWN'
  | 'TIMEOUT'
  /** Redis mode: the workers running a job died (SIGKILL, crash) more often than the retry limit. */
  | 'WORKER_LOST'
  /** No or a wrong bearer token on a server started with --token. */
  | 'UNAUTHORIZED'
  /** Signed in by cookie (the web page) but the request came from another site. */
  | 'FORBIDDEN'
  /** A job's webhook URL names a host the operator did not allow (--webhook-allow). */
  | 'WEBHOOK_NOT_ALLOWED';

/** What every error response carries, and what a failed job records. */
export interface ErrorInfo {
  code: HttpErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** An error with its HTTP status; the error handler turns it into `{ error: ErrorInfo }`. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: HttpErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  info(): ErrorInfo {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }
}

/** Status for each code. INPUT_IMAGE is 422 unless the format itself is unsupported (415, decided by the caller). */
export const STATUS_BY_CODE: Readonly<Record<HttpErrorCode, number>> = Object.freeze({
  INPUT_IMAGE: 422,
  OPTIONS: 400,
  SCHEDULER_CONFIG: 400,
  MODEL_PACK: 500,
  MODEL_RUN: 500,
  OUTPUT: 500,
  QUEUE: 503,
  INTERNAL: 500,
  CANCELLED: 409,
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  QUEUE_FULL: 503,
  NOT_READY: 503,
  URI_TOO_LONG: 414,
  JOB_TOO_LARGE: 413,
  SHUTTING_DOWN: 503,
  TIMEOUT: 504,
  WORKER_LOST: 500,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  WEBHOOK_NOT_ALLOWED: 400,
});

/** Every code an error body may carry (the OpenAPI enum), from the status table so none is missed. */
export const HTTP_ERROR_CODES = Object.keys(STATUS_BY_CODE) as [HttpErrorCode, ...HttpErrorCode[]];

const CODE_BY_STATUS: Readonly<Record<number, HttpErrorCode>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  406: 'UNSUPPORTED_MEDIA_TYPE',
  409: 'CONFLICT',
  413: 'BODY_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  503: 'SHUTTING_DOWN',
};

/** Library errors and unknown throwables as plain info; unknown messages are not shown to clients. */
export function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof HttpError) return error.info();
  if (isColorWizardError(error)) {
    const { code, message, details } = error.toJSON();
    return Object.keys(details).length === 0 ? { code, message } : { code, message, details };
  }
  return { code: 'INTERNAL', message: 'internal error (see the server log)' };
}

/** Any throwable → HttpError: ours as is, library errors by code, Fastify/multipart 4xx by status. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (isColorWizardError(error)) {
    const info = errorInfo(error);
    return new HttpError(STATUS_BY_CODE[error.code], error.code, info.message, info.details);
  }
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own errors (body limit, content type, bad JSON) say what went wrong, safely.
    const code = CODE_BY_STATUS[status] ?? 'BAD_REQUEST';
    const httpStatus = status === 406 ? 415 : status;
    const fastifyCode = (error as { code?: unknown }).code;
    return new HttpError(httpStatus, code, String((error as Error).message), typeof fastifyCode === 'string' ? { reason: fastifyCode } : undefined);
  }
  return new HttpError(500, 'INTERNAL', 'internal error (see the server log)');
}

export const notFound = (what: string): HttpError => new HttpError(404, 'NOT_FOUND', `${what} not found`);
