import type { ApiClient } from './api-client.js';
import { eventually } from './factories.js';
import type { WebhookReceiver } from './webhook-receiver.js';

/** Subscribes a receiver; returns the webhook including its secret. */
export async function createWebhook(
  api: ApiClient,
  receiver: WebhookReceiver,
  events: string[] = ['*'],
  extra: Record<string, unknown> = {},
): Promise<any> {
  const res = await api.post('/v1/webhooks', { url: receiver.url, events, ...extra });
  if (res.status !== 201) throw new Error(`createWebhook: ${res.status} ${res.text}`);
  return res.body.data;
}

/** The whole delivery log of a webhook, oldest first. */
export async function deliveriesOf(api: ApiClient, webhookId: string, filter = ''): Promise<any[]> {
  const res = await api.get(`/v1/webhooks/${webhookId}/deliveries?pageSize=100&order=asc${filter}`);
  if (res.status !== 200) throw new Error(`deliveries: ${res.status} ${res.text}`);
  return res.body.data.items;
}

/** Waits until the receiver has got at least `count` requests (matching `filter`, if given). */
export function receivedAtLeast(
  receiver: WebhookReceiver,
  count: number,
  timeoutMs = 15_000,
  filter: (event: { id: string; type: string }) => boolean = () => true,
) {
  return eventually(
    async () => {
      const got = receiver.received.filter((d) => filter(d.event));
      return got.length >= count ? got : undefined;
    },
    timeoutMs,
    `${count} webhook deliveries`,
  );
}

/** Waits until a webhook has no pending delivery left; returns its log. */
export function settled(api: ApiClient, webhookId: string, timeoutMs = 15_000): Promise<any[]> {
  return eventually(
    async () => {
      const log = await deliveriesOf(api, webhookId);
      return log.length > 0 && log.every((d) => d.status !== 'pending') ? log : undefined;
    },
    timeoutMs,
    'no pending delivery',
  );
}
