import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import {
  deliveryHeaders,
  generateWebhookSecret,
  isValidWebhookSecret,
  seedSignature,
  standardSignature,
} from './webhook-signature.js';

const body = JSON.stringify({ id: 'evt_1', type: 'order.paid', createdAt: '2025-01-01T00:00:00.000Z', data: {} });

describe('webhook signatures', () => {
  it("signs as the seed's verifyWebhook expects: sha256= + hex HMAC keyed with the secret string", () => {
    const secret = 'your_webhook_secret';
    const expected = createHmac('sha256', secret).update(body).digest('hex');
    const signature = seedSignature(secret, body);
    expect(timingSafeEqual(Buffer.from(signature), Buffer.from(`sha256=${expected}`))).toBe(true);
  });

  it('signs Standard Webhooks so that the standardwebhooks package verifies it (whsec_ and raw secrets)', () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const generated = generateWebhookSecret();
    expect(
      new Webhook(generated).verify(body, {
        'webhook-id': 'evt_1',
        'webhook-timestamp': String(timestamp),
        'webhook-signature': standardSignature(generated, 'evt_1', timestamp, body),
      }),
    ).toEqual(JSON.parse(body));
    const raw = 'your_webhook_secret';
    expect(
      new Webhook(new Uint8Array(Buffer.from(raw)), { format: 'raw' }).verify(body, {
        'webhook-id': 'evt_1',
        'webhook-timestamp': String(timestamp),
        'webhook-signature': standardSignature(raw, 'evt_1', timestamp, body),
      }),
    ).toEqual(JSON.parse(body));
  });

  it('matches the package byte for byte', () => {
    const secret = generateWebhookSecret();
    const at = new Date('2025-01-01T00:00:00Z');
    expect(standardSignature(secret, 'evt_1', at.getTime() / 1000, body)).toBe(
      new Webhook(secret).sign('evt_1', at, body),
    );
  });

  it('sends exactly the headers of SPEC §7', () => {
    const headers = deliveryHeaders({
      secret: 'your_webhook_secret',
      eventId: 'evt_1',
      eventType: 'order.paid',
      timestamp: 1735689600,
      body,
      userAgent: 'iot-gateway/1.2.3',
    });
    expect(Object.keys(headers)).toEqual([
      'Content-Type',
      'User-Agent',
      'X-Webhook-Signature',
      'X-Webhook-Id',
      'X-Webhook-Event',
      'X-Webhook-Timestamp',
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
    ]);
    expect(headers).toMatchObject({
      'Content-Type': 'application/json',
      'X-Webhook-Id': 'evt_1',
      'webhook-id': 'evt_1',
      'X-Webhook-Timestamp': '1735689600',
      'webhook-timestamp': '1735689600',
    });
  });

  it('generates 192-bit whsec_ secrets and validates given ones', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(isValidWebhookSecret(secret)).toBe(true);
    expect(isValidWebhookSecret('your_webhook_secret')).toBe(true);
    expect(isValidWebhookSecret('too-short')).toBe(false);
    expect(isValidWebhookSecret('has spaces in the secret')).toBe(false);
    expect(isValidWebhookSecret('whsec_dG9vIHNob3J0')).toBe(false); // 9 bytes
    expect(isValidWebhookSecret('whsec_not-base64-at-all!')).toBe(false);
  });
});
