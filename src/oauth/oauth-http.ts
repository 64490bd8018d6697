import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorCodes } from 'fastify';
import type { HtmlPage } from './oauth-pages.js';

/** Form bodies (the token endpoint and the login/consent forms) are small. */
const FORM_BODY_LIMIT = 64 * 1024;

/** Parameters of a form body or query: a repeated name gives an array (RFC 6749 §3.1: that is an error). */
export type Params = Record<string, string | string[] | undefined>;

/**
 * `application/x-www-form-urlencoded` bodies, accepted under /oauth/ only: the /v1 API stays JSON-only
 * (415 as before), and the JSON parser of app.ts is untouched. The result has no prototype, so a field
 * named `__proto__` is just a field.
 */
export function registerFormBodyParser(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (request, body, done) => {
      if (!request.url.startsWith('/oauth/')) {
        done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type']), undefined);
        return;
      }
      done(null, parseForm(body as string));
    },
  );
}

export function parseForm(body: string): Params {
  const out: Params = Object.create(null) as Params;
  for (const [name, value] of new URLSearchParams(body)) {
    const previous = out[name];
    out[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return out;
}

export function isFormRequest(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  return typeof type === 'string' && type.split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

export function cookie(
  name: string,
  value: string,
  options: { path: string; maxAgeSeconds: number; secure: boolean },
): string {
  return [
    `${name}=${value}`,
    `Path=${options.path}`,
    `Max-Age=${options.maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

/** Headers every authorization page carries: no framing, no caching, no referrer leaking the request. */
export function sendPage(reply: FastifyReply, page: HtmlPage): void {
  void reply
    .status(page.status)
    .headers({
      'Content-Security-Policy': page.csp,
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      ...page.headers,
    })
    .type('text/html; charset=utf-8')
    .send(page.html);
}

/** A 303 (after a POST, the browser follows with a GET), uncached. */
export function sendRedirect(reply: FastifyReply, location: string, headers: Record<string, string> = {}): void {
  void reply
    .status(303)
    .headers({ Location: location, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', ...headers })
    .send();
}
