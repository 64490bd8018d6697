import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Event } from './types.js';

/** A webhook's raw body: verify the bytes you received, not a re-serialization of the parsed JSON. */
export type RawBody = string | Uint8Array;

/** Request headers as Node (`req.headers`), fetch (`Headers`) or a plain object give them. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/** Standard Webhooks' default tolerance for `webhook-timestamp`, seconds. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * The seed's `verifyWebhook`: `X-Webhook-Signature` must be `sha256=` + the hex HMAC-SHA256 of the raw body keyed
 * with the secret string. Constant-time; returns false (never throws) for a missing or malformed signature.
 *
 * ```ts
 * verifyWebhook(rawBody, req.headers['x-webhook-signature'], WEBHOOK_SECRET)
 * ```
 */
export function verifyWebhook(
  payload: RawBody,
  signature: string | string[] | null | undefined,
  secret: string,
): boolean {
  const header = Array.isArray(signature) ? signature[0] : signature;
  if (typeof header !== 'string') return false;
  const expected = `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`;
  return safeEqual(header, expected);
}

/**
 * Standard Webhooks (https://www.standardwebhooks.com): `webhook-signature` holds `v1,<base64 HMAC-SHA256>` of
 * `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the base64 part after `whsec_` (or the secret's UTF-8
 * bytes). Also refuses a `webhook-timestamp` more than `toleranceSeconds` away from now — replay protection;
 * keep the `webhook-id`s you processed to drop duplicates too.
 */
export function verifyStandardWebhook(
  body: RawBody,
  headers: WebhookHeaders,
  secret: string,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
  now: number = Date.now(),
): boolean {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
  // several space-separated signatures may be sent (during a key rotation); any one may match
  return signatures.split(' ').some((candidate) => safeEqual(candidate, `v1,${mac}`));
}

/** The signature did not verify (see {@link parseWebhook}). */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

/**
 * Verifies a delivery and returns its event: the Standard Webhooks signature and timestamp when the `webhook-*`
 * headers are there, else the seed's `X-Webhook-Signature`. Throws WebhookVerificationError otherwise.
 */
export function parseWebhook(
  body: RawBody,
  headers: WebhookHeaders,
  secret: string,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): Event {
  const ok = header(headers, 'webhook-signature')
    ? verifyStandardWebhook(body, headers, secret, toleranceSeconds)
    : verifyWebhook(body, header(headers, 'x-webhook-signature'), secret);
  if (!ok) throw new WebhookVerificationError('invalid webhook signature or timestamp');
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  return JSON.parse(text) as Event;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  // timingSafeEqual throws on different lengths (the seed's version does): a forged length is just false here
  return x.length === y.length && timingSafeEqual(x, y);
}
