import type { Schemas } from './generated/api.js';

/** One field at fault in a 40001 answer: `{field: "contact.email", message: "…"}`. */
export type FieldError = NonNullable<Schemas['Error']['errors']>[number];

/**
 * The gateway answered with an error (`{code, message, errors?, requestId}`, SPEC §3). `code` is the business
 * code (40001, 40401, 42901, 50401…), `status` the HTTP status.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** business error code, e.g. 40001 (validation), 40401 (not found), 42901 (rate limited), 50401 (device timeout) */
  readonly code: number;
  /** HTTP status */
  readonly status: number;
  /** the fields at fault (40001) */
  readonly errors: FieldError[];
  /** the request id (X-Request-ID), for support and logs */
  readonly requestId: string | undefined;
  /** seconds to wait before retrying (429) */
  readonly retryAfter: number | undefined;
  /** extra data: on 50401, the command that got no reply in time */
  readonly data: unknown;
  /** the response headers */
  readonly headers: Headers;

  constructor(status: number, body: Partial<Schemas['Error']> | undefined, headers: Headers) {
    const code = typeof body?.code === 'number' ? body.code : status * 100 + 1;
    super(body?.message ?? `HTTP ${status}`);
    this.code = code;
    this.status = status;
    this.errors = Array.isArray(body?.errors) ? body.errors : [];
    this.requestId = body?.requestId ?? headers.get('x-request-id') ?? undefined;
    this.retryAfter = body?.retryAfter ?? retryAfterHeader(headers);
    this.data = body?.data;
    this.headers = headers;
  }
}

/** The request did not get an answer: connection refused or reset, DNS failure, or no answer within the timeout. */
export class ApiConnectionError extends Error {
  override readonly name: string = 'ApiConnectionError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** No answer within the client's `timeoutMs`. */
export class ApiTimeoutError extends ApiConnectionError {
  override readonly name = 'ApiTimeoutError';
}

function retryAfterHeader(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
