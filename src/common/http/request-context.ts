import type { AppException } from '../errors/app.exception.js';
import type { Principal } from '../../auth/principal.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** set by the authentication hook for /v1 requests that carried a valid token */
    principal?: Principal;
    /** why the token was refused; raised by the guard only if the route needs a principal */
    authError?: AppException;
  }
}

const REQUEST_ID = /^[\w.:@-]{1,128}$/;

/** Echoes a sane client-supplied X-Request-ID; anything else (too long, odd characters) is replaced. */
export function requestIdFrom(header: string | string[] | undefined, generate: () => string): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : generate();
}
