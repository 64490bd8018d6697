import { ApiConnectionError, ApiError, ApiTimeoutError } from './errors.js';
import { OPERATIONS, type OperationId } from './generated/api.js';
import type { RequestOptions } from './types.js';
import { VERSION } from './version.js';

export const DEFAULT_BASE_URL = 'https://api.enterprise-platform.com/v1';

export interface ClientOptions {
  /** an API key (`ak_…`): `Authorization: Bearer <apiKey>` */
  apiKey?: string;
  /**
   * an OAuth 2.0 access token instead of an API key; a function is called before every request (return a
   * refreshed token from it)
   */
  accessToken?: string | (() => string | Promise<string>);
  /** the API's address, with or without `/v1`; default `https://api.enterprise-platform.com/v1` */
  baseUrl?: string;
  /** per-request timeout, ms (default 60000; sendCommand waits at least its own timeoutMs + 30 s) */
  timeoutMs?: number;
  /**
   * retries of a 429 (after its `retryAfter`) and, for idempotent calls, of network errors (default 2).
   * Idempotent: GET, PUT, DELETE, and POSTs that carry an `Idempotency-Key` (sendCommand always does).
   */
  maxRetries?: number;
  /** a 429 asking to wait longer than this (ms) is not retried but thrown at once (default 60000) */
  maxRetryDelayMs?: number;
  /** `zh-CN` (the API's default) or `en-US`: the language of error messages */
  acceptLanguage?: 'zh-CN' | 'en-US';
  /** headers added to every request */
  headers?: Record<string, string>;
  /** a fetch implementation (default: the global fetch of Node ≥ 18) */
  fetch?: typeof fetch;
}

export interface Call {
  /** values of the path template's `{name}`s */
  path?: Record<string, string>;
  query?: object;
  /** JSON-serializable, or FormData (multipart) */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  headers: Headers;
  /** the parsed JSON envelope (undefined for 204) */
  body: unknown;
}

const NETWORK_BACKOFF_MS = 500;
const MAX_NETWORK_BACKOFF_MS = 8_000;

/** Builds requests from the operation table, and retries what can be retried. */
export class HttpClient {
  private readonly origin: string;
  private readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxRetryDelayMs: number;

  constructor(private readonly options: ClientOptions) {
    if (!options.apiKey && !options.accessToken) throw new TypeError('Client: give apiKey or accessToken');
    // OPERATIONS' paths include /v1; the seed's baseUrl does too
    this.origin = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '').replace(/\/v1$/, '');
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxRetries = options.maxRetries ?? 2;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
  }

  /** Calls an operation; resolves with the answer of a 2xx, throws ApiError otherwise. */
  async request(operation: OperationId, call: Call = {}, options: RequestOptions = {}): Promise<Answer> {
    const { method, path } = OPERATIONS[operation];
    const url = this.origin + expandPath(path, call.path ?? {}) + queryString(call.query);
    // A POST is repeatable only with an Idempotency-Key; a 429 is always repeatable (it was not processed).
    const idempotent = method === 'GET' || method === 'PUT' || method === 'DELETE' || !!options.idempotencyKey;
    const maxRetries = options.maxRetries ?? this.maxRetries;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.send(method, url, call, options);
      } catch (err) {
        if (options.signal?.aborted) throw err;
        if (!idempotent || attempt >= maxRetries) throw err;
        await sleep(backoff(attempt), options.signal);
        continue;
      }
      const body = await readBody(response);
      if (response.ok) return { status: response.status, headers: response.headers, body };
      const error = new ApiError(response.status, body as ConstructorParameters<typeof ApiError>[1], response.headers);
      if (response.status === 429 && attempt < maxRetries) {
        const waitMs = (error.retryAfter ?? 1) * 1000;
        if (waitMs <= this.maxRetryDelayMs) {
          await sleep(waitMs, options.signal);
          continue;
        }
      }
      throw error;
    }
  }

  private async send(method: string, url: string, call: Call, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': `enterprise-platform-sdk-typescript/${VERSION}`,
      ...this.options.headers,
      Authorization: `Bearer ${await this.token()}`,
    };
    if (this.options.acceptLanguage) headers['Accept-Language'] = this.options.acceptLanguage;
    if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
    if (options.requestId) headers['X-Request-ID'] = options.requestId;
    let body: string | FormData | undefined;
    if (call.body instanceof FormData) body = call.body;
    else if (call.body !== undefined) {
      body = JSON.stringify(call.body);
      headers['Content-Type'] = 'application/json';
    }
    Object.assign(headers, call.headers, options.headers);

    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (options.signal?.aborted) throw options.signal.reason;
      return await this.fetch(url, { method, headers, body: body ?? null, signal: controller.signal });
    } catch (err) {
      if (options.signal?.aborted) throw err;
      if (timedOut) throw new ApiTimeoutError(`${method} ${url}: no answer within ${timeoutMs} ms`, { cause: err });
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const detail = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
      throw new ApiConnectionError(`${method} ${url}: ${detail}`, { cause: err });
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async token(): Promise<string> {
    const { accessToken, apiKey } = this.options;
    if (typeof accessToken === 'function') return accessToken();
    return (accessToken ?? apiKey)!;
  }
}

function expandPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined || value === '') throw new TypeError(`missing path parameter "${name}" for ${template}`);
    return encodeURIComponent(value);
  });
}

type Scalar = string | number | boolean | Date;

/**
 * The list grammar: `page=1&pageSize=20`, filters as `status=active`, operators as `createdAt[gt]=…`, lists
 * (`in`, `fields`) comma-separated.
 */
export function queryString(query: object | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (isOperatorMap(value)) {
      for (const [op, operand] of Object.entries(value)) {
        if (operand === undefined) continue;
        params.append(op === 'eq' ? key : `${key}[${op}]`, scalarOrList(operand as Scalar | Scalar[]));
      }
    } else {
      params.append(key, scalarOrList(value as Scalar | Scalar[]));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function isOperatorMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function scalarOrList(value: Scalar | Scalar[]): string {
  return Array.isArray(value) ? value.map(scalar).join(',') : scalar(value);
}

function scalar(value: Scalar): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // not JSON (a proxy's error page): ApiError falls back to the HTTP status
    return undefined;
  }
}

function backoff(attempt: number): number {
  const base = Math.min(MAX_NETWORK_BACKOFF_MS, NETWORK_BACKOFF_MS * 2 ** attempt);
  return base * (0.75 + Math.random() / 2);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
