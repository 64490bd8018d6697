import crypto from 'crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

// The seed's verification function (shared/seed/000_0e9a6815aceed430.txt, "Webhook 签名验证"), copied verbatim:
// our X-Webhook-Signature must pass it unchanged.
// prettier-ignore
function verifyWebhook(payload: string, signature: string, secret: string): boolean {
  const expectedSignature = crypto
    .createHmac('sha256', secret)
    .update(payload)
    .digest('hex');

  return crypto.timingSafeEqual(
    Buffer.from(signature),
    Buffer.from(`sha256=${expectedSignature}`)
  );
}

export interface ReceivedDelivery {
  headers: http.IncomingHttpHeaders;
  /** the raw body, byte for byte */
  body: string;
  event: { id: string; type: string; createdAt: string; data: Record<string, any> };
  /** arrival time (ms since epoch) */
  at: number;
}

export interface ReceiverReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** wait this long before answering */
  delayMs?: number;
}

/** What the receiver answers to its n-th request (0-based); 200 "ok" by default. */
export type Responder = (delivery: ReceivedDelivery, n: number) => ReceiverReply;

/** A real HTTP webhook receiver on 127.0.0.1 and a free port, recording every request it gets. */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  respond: Responder = () => ({ status: 200, body: 'ok' });

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(respond?: Responder, path = '/hook'): Promise<WebhookReceiver> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let event: ReceivedDelivery['event'];
        try {
          event = JSON.parse(body);
        } catch {
          event = { id: '', type: '', createdAt: '', data: {} };
        }
        const delivery: ReceivedDelivery = { headers: req.headers, body, event, at: Date.now() };
        const n = receiver.received.length;
        receiver.received.push(delivery);
        const reply = receiver.respond(delivery, n);
        const answer = () => {
          if (res.destroyed) return;
          res.writeHead(reply.status, { 'Content-Type': 'text/plain', ...reply.headers });
          res.end(reply.body ?? '');
        };
        if (reply.delayMs) setTimeout(answer, reply.delayMs).unref();
        else answer();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // requests only come once the receiver exists
    const receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}${path}`);
    if (respond) receiver.respond = respond;
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Received events of a type (or all), in arrival order. */
  events(type?: string): ReceivedDelivery[] {
    return type ? this.received.filter((d) => d.event.type === type) : [...this.received];
  }

  ofEvent(eventId: string): ReceivedDelivery[] {
    return this.received.filter((d) => d.event.id === eventId);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The seed's check, used exactly as the seed's receiver example does (and on the raw body too). */
export function seedSignatureValid(delivery: ReceivedDelivery, secret: string): boolean {
  const signature = delivery.headers['x-webhook-signature'] as string;
  return (
    verifyWebhook(delivery.body, signature, secret) &&
    verifyWebhook(JSON.stringify(JSON.parse(delivery.body)), signature, secret)
  );
}

/**
 * The Standard Webhooks check, by the `standardwebhooks` package (not our code). Key: the base64 part of a
 * `whsec_` secret, else the secret's UTF-8 bytes (the package's "raw" format). Throws if invalid.
 */
export function verifyStandardWebhook(delivery: ReceivedDelivery, secret: string): unknown {
  const wh = secret.startsWith('whsec_')
    ? new Webhook(secret)
    : new Webhook(new Uint8Array(Buffer.from(secret, 'utf8')), { format: 'raw' });
  return wh.verify(delivery.body, {
    'webhook-id': delivery.headers['webhook-id'] as string,
    'webhook-timestamp': delivery.headers['webhook-timestamp'] as string,
    'webhook-signature': delivery.headers['webhook-signature'] as string,
  });
}
