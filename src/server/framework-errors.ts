import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toHttpError } from './http-errors.js';
import type { ServerSettings } from './settings.js';

/**
 * Errors Fastify and Node answer before any route or hook runs (a bad URL, an id past the
 * parameter length, a body shorter than its Content-Length): in the documented
 * `{ error: { code, message } }` shape and with the CORS header, like every other error.
 */

/** The CORS header the cors plugin would send for this origin (it has not run for these errors). */
export function corsHeaders(cors: ServerSettings['cors'], origin: string | undefined): Record<string, string> {
  if (cors === false) return {};
  if (cors === '*') return { 'access-control-allow-origin': '*' };
  const allowed = typeof cors === 'string' ? [cors] : cors;
  return origin !== undefined && allowed.includes(origin) ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
}

/** Fastify's `frameworkErrors` (FST_ERR_BAD_URL 400, FST_ERR_MAX_PARAM_LENGTH 414). */
export function frameworkErrorHandler(cors: ServerSettings['cors']) {
  return (error: Error, request: FastifyRequest, reply: FastifyReply): void => {
    const httpError = toHttpError(error);
    void reply
      .code(httpError.statusCode)
      .headers({ ...httpError.headers, ...corsHeaders(cors, request.headers.origin) })
      .send({ error: httpError.info() });
  };
}

const CLIENT_ERROR_STATUS: Readonly<Record<string, [number, string]>> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
};

/**
 * Fastify's `clientErrorHandler`: requests Node cannot parse. Nothing of the request is known, so
 * only a single configured origin (or "*") gets its CORS header.
 */
export function clientErrorHandler(cors: ServerSettings['cors']) {
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, text] = CLIENT_ERROR_STATUS[error.code ?? ''] ?? [400, 'Bad Request'];
    const code = status === 408 ? 'TIMEOUT' : 'BAD_REQUEST';
    const body = JSON.stringify({ error: { code, message: `the request could not be read (${error.code ?? error.message})` } });
    const origin = typeof cors === 'string' ? { 'access-control-allow-origin': cors } : {};
    const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), connection: 'close', ...origin };
    socket.end(`HTTP/1.1 ${status} ${text}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`);
  };
}
