import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './http-errors.js';
import { signInPage } from './sign-in-page.js';

/**
 * Optional bearer-token authentication (`serve --token` / COLOR_WIZARD_TOKEN). Programs send
 * `Authorization: Bearer <token>`; the web page, which cannot add headers to EventSource, signs in once
 * with the token and then carries a cookie derived from it (HttpOnly, SameSite=Strict; a request it
 * authenticates that changes something must also come from this origin). Liveness, readiness and the
 * OpenAPI document stay public, so probes and client generators need no secret.
 */

export const SESSION_COOKIE = 'cw_session';

/** Requests that need no token (HEAD is GET's). */
const PUBLIC = new Set(['GET /healthz', 'GET /readyz', 'GET /openapi.json', 'POST /sign-in', 'POST /sign-out']);

/** Constant-time: both sides are hashed to equal length first, so neither length nor content leaks by timing. */
export function secretsEqual(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The cookie's value: not the token itself, so a leaked cookie is no bearer token for the API. */
export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('color-wizard web session v1').digest('base64url');
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

const unauthorized = (message: string, invalid: boolean) =>
  new HttpError(401, 'UNAUTHORIZED', message, undefined, { 'www-authenticate': `Bearer realm="color-wizard"${invalid ? ', error="invalid_token"' : ''}` });

/** A browser's request from this very origin (or no browser at all, which cannot be forged cross-site). */
function sameOrigin(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin';
  const origin = request.headers.origin;
  return origin === undefined || origin === `${request.protocol}://${request.headers.host}`;
}

export function registerAuth(app: FastifyInstance, token: string): void {
  const session = sessionValue(token);
  const cookie = (value: string, request: FastifyRequest, maxAge?: number) =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict${request.protocol === 'https' ? '; Secure' : ''}${maxAge === undefined ? '' : `; Max-Age=${maxAge}`}`;

  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    // CORS preflights carry no credentials by design; @fastify/cors answers them.
    if (method === 'OPTIONS' || PUBLIC.has(`${method} ${path}`)) return;
    const header = request.headers.authorization;
    if (header !== undefined) {
      const bearer = /^Bearer +([\x21-\x7e]+) *$/i.exec(header);
      if (bearer !== null && secretsEqual(bearer[1]!, token)) return;
      throw unauthorized('the bearer token is not this server\'s (send "Authorization: Bearer <token>")', true);
    }
    const value = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (value !== undefined && secretsEqual(value, session)) {
      if (method === 'GET' || sameOrigin(request)) return;
      throw new HttpError(403, 'FORBIDDEN', 'signed in by cookie, but this request came from another site');
    }
    if (method === 'GET' && path === '/') {
      // The web page without a session: sign in first, instead of a page whose every call fails.
      return reply.code(401).header('www-authenticate', 'Bearer realm="color-wizard"').type('text/html; charset=utf-8').headers(signInPage.headers).send(signInPage.html(''));
    }
    throw unauthorized('this server needs a bearer token: send "Authorization: Bearer <token>"', false);
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8192 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.post('/sign-in', async (request, reply) => {
    const given = (request.body as Record<string, unknown> | undefined)?.token;
    if (typeof given !== 'string' || !secretsEqual(given, token)) {
      return reply.code(401).type('text/html; charset=utf-8').headers(signInPage.headers).send(signInPage.html('That is not this server\'s token.'));
    }
    return reply.code(303).header('set-cookie', cookie(session, request)).header('location', '/').send();
  });

  app.post('/sign-out', async (request, reply) => reply.code(303).header('set-cookie', cookie('', request, 0)).header('location', '/').send());
}
