import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { USER_AGENT } from '../common/product.js';
import { AppConfig } from '../config/app-config.js';
import type { EventView } from '../events/events.service.js';
import { parseRetryAfter } from './retry-policy.js';
import { deliveryHeaders } from './webhook-signature.js';

/** Success is a 2xx within this time (SPEC §7). */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** How much of a response body the delivery log keeps. */
export const RESPONSE_EXCERPT_BYTES = 1024;

export interface AttemptResult {
  ok: boolean;
  /** HTTP status, or null when no response arrived */
  status: number | null;
  /** the first 1 KiB of the response body */
  body: string | null;
  error: string | null;
  durationMs: number;
  retryAfterMs: number | undefined;
}

/**
 * Sends one signed delivery over node:http(s). Redirects are not followed (node:http never does). Unless
 * WEBHOOK_ALLOW_PRIVATE_NETWORKS, the request-filtering agents check the address each connection actually goes to,
 * after DNS resolution, so a name that resolves (or re-resolves) to a private address is refused at connect time.
 * No keep-alive: every attempt is a fresh connection, checked again, and immune to servers closing idle sockets.
 */
@Injectable()
export class WebhookSender implements OnModuleDestroy {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(config: AppConfig) {
    if (config.webhookAllowPrivateNetworks) {
      this.httpAgent = new http.Agent({ keepAlive: false });
      this.httpsAgent = new https.Agent({ keepAlive: false });
    } else {
      const filter = { keepAlive: false, allowPrivateIPAddress: false, allowMetaIPAddress: false };
      this.httpAgent = new RequestFilteringHttpAgent(filter);
      this.httpsAgent = new RequestFilteringHttpsAgent(filter);
    }
  }

  async send(target: { url: string; secret: string }, event: EventView): Promise<AttemptResult> {
    const body = JSON.stringify(event);
    const headers = deliveryHeaders({
      secret: target.secret,
      eventId: event.id,
      eventType: event.type,
      timestamp: Math.floor(Date.now() / 1000),
      body,
      userAgent: USER_AGENT,
    });
    const started = performance.now();
    const response = await this.post(target.url, body, headers);
    const durationMs = Math.round(performance.now() - started);
    if (response.status === null) {
      return { ok: false, status: null, body: null, error: response.error, durationMs, retryAfterMs: undefined };
    }
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      status: response.status,
      body: response.body,
      error: ok ? null : describeStatus(response.status, response.location),
      durationMs,
      retryAfterMs: ok ? undefined : parseRetryAfter(response.retryAfter, Date.now()),
    };
  }

  onModuleDestroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private post(url: string, body: string, headers: Record<string, string>): Promise<RawResponse> {
    return new Promise<RawResponse>((resolve) => {
      let settled = false;
      let partial: Omit<Extract<RawResponse, { status: number }>, 'body'> | undefined;
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (result: RawResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const finishWithResponse = () => {
        if (partial) finish({ ...partial, body: excerpt(chunks) });
      };
      const timer = setTimeout(() => {
        // a status that arrived in time counts, even if the body is still trickling in
        if (partial) finishWithResponse();
        else finish({ status: null, error: `no response within ${DELIVERY_TIMEOUT_MS / 1000} s` });
        request.destroy();
      }, DELIVERY_TIMEOUT_MS);

      let request: http.ClientRequest;
      try {
        const secure = url.startsWith('https:');
        request = (secure ? https : http).request(url, {
          method: 'POST',
          agent: secure ? this.httpsAgent : this.httpAgent,
          headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        });
      } catch (err) {
        clearTimeout(timer);
        resolve({ status: null, error: describeError(err) });
        return;
      }
      request.on('response', (res) => {
        partial = {
          status: res.statusCode ?? 0,
          retryAfter: headerValue(res.headers['retry-after']),
          location: headerValue(res.headers.location),
        };
        res.on('data', (chunk: Buffer) => {
          if (size < RESPONSE_EXCERPT_BYTES) chunks.push(chunk);
          size += chunk.length;
          if (size >= RESPONSE_EXCERPT_BYTES) {
            finishWithResponse();
            res.destroy();
          }
        });
        res.on('end', finishWithResponse);
        res.on('close', finishWithResponse);
        res.on('error', finishWithResponse);
      });
      request.on('error', (err) => {
        if (partial) finishWithResponse();
        else finish({ status: null, error: describeError(err) });
      });
      request.end(body);
    });
  }
}

type RawResponse =
  | { status: number; body: string; retryAfter: string | undefined; location: string | undefined }
  | { status: null; error: string };

function excerpt(chunks: Buffer[]): string {
  // NUL is not storable in PostgreSQL text; a cut multi-byte character becomes U+FFFD
  return Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8').replace(/\0/g, '');
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function describeStatus(status: number, location: string | undefined): string {
  if (status >= 300 && status < 400)
    return `HTTP ${status}: redirect not followed${location ? ` (to ${location})` : ''}`;
  return `HTTP ${status}`;
}

function describeError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // request-filtering-agent: "DNS lookup 127.0.0.1(family:4, host:…) is not allowed. Because, It is private IP address."
  if (/is not allowed\. Because/.test(message)) return `refused by the SSRF guard: ${message}`.slice(0, 500);
  return message.slice(0, 500);
}
