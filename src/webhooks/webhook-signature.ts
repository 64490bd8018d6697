import { createHmac, randomBytes } from 'node:crypto';

const STANDARD_PREFIX = 'whsec_';

/** A new secret in the Standard Webhooks form: `whsec_` + base64 of 24 random bytes (192 bits). */
export function generateWebhookSecret(): string {
  return `${STANDARD_PREFIX}${randomBytes(24).toString('base64')}`;
}

/**
 * A secret we accept: 16–256 visible ASCII characters; with the `whsec_` prefix, the rest must be the base64 of at
 * least 16 bytes, since Standard Webhooks receivers will decode it into their key.
 */
export function isValidWebhookSecret(secret: string): boolean {
  if (!/^[!-~]{16,256}$/.test(secret)) return false;
  if (!secret.startsWith(STANDARD_PREFIX)) return true;
  const encoded = secret.slice(STANDARD_PREFIX.length);
  return (
    /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) && encoded.length % 4 === 0 && Buffer.from(encoded, 'base64').length >= 16
  );
}

/** The seed's signature: `sha256=` + hex HMAC-SHA256 keyed with the secret string itself. */
export function seedSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** The Standard Webhooks key: the base64-decoded part of a `whsec_` secret, else the secret's UTF-8 bytes. */
export function standardWebhooksKey(secret: string): Buffer {
  return secret.startsWith(STANDARD_PREFIX)
    ? Buffer.from(secret.slice(STANDARD_PREFIX.length), 'base64')
    : Buffer.from(secret, 'utf8');
}

/** Standard Webhooks: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`. */
export function standardSignature(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', standardWebhooksKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** Every header of a delivery (SPEC §7). `timestamp` is unix seconds; the body must be sent byte for byte. */
export function deliveryHeaders(input: {
  secret: string;
  eventId: string;
  eventType: string;
  timestamp: number;
  body: string;
  userAgent: string;
}): Record<string, string> {
  const { secret, eventId, eventType, timestamp, body } = input;
  return {
    'Content-Type': 'application/json',
    'User-Agent': input.userAgent,
    'X-Webhook-Signature': seedSignature(secret, body),
    'X-Webhook-Id': eventId,
    'X-Webhook-Event': eventType,
    'X-Webhook-Timestamp': String(timestamp),
    'webhook-id': eventId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': standardSignature(secret, eventId, timestamp, body),
  };
}
