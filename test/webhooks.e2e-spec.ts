import { commandDevice, sendCommand } from './helpers/commands.js';
import { connectDevice, createDevice, deviceEvents, endClient, publish } from './helpers/devices.js';
import { createCustomer, createOrder, eventually } from './helpers/factories.js';
import { type Gateway, startGateway } from './helpers/gateway.js';
import {
  type ReceivedDelivery,
  seedSignatureValid,
  verifyStandardWebhook,
  WebhookReceiver,
} from './helpers/webhook-receiver.js';
import { createWebhook, deliveriesOf, receivedAtLeast, settled } from './helpers/webhooks.js';

/** 1 + 4 attempts per event, quickly. */
const RETRY_DELAYS = [150, 150, 150, 150];

describe('webhooks', () => {
  let gw: Gateway;
  const receivers: WebhookReceiver[] = [];
  const webhookIds: string[] = [];

  beforeAll(async () => {
    gw = await startGateway({ env: { WEBHOOK_RETRY_DELAYS_MS: RETRY_DELAYS.join(',') } });
  });
  afterEach(async () => {
    // each test's subscriptions go, so that its receivers do not see the next test's events
    for (const id of webhookIds.splice(0)) await gw.api.delete(`/v1/webhooks/${id}`);
    for (const r of receivers.splice(0)) await r.close();
  });
  afterAll(async () => {
    expect(await gw.stop()).toBe(0);
  });

  async function receiver(respond?: Parameters<typeof WebhookReceiver.start>[0]): Promise<WebhookReceiver> {
    const r = await WebhookReceiver.start(respond);
    receivers.push(r);
    return r;
  }

  async function subscribe(r: WebhookReceiver, events: string[] = ['*'], extra: Record<string, unknown> = {}) {
    const webhook = await createWebhook(gw.api, r, events, extra);
    webhookIds.push(webhook.id);
    return webhook;
  }

  function expectSigned(delivery: ReceivedDelivery, secret: string): void {
    expect(seedSignatureValid(delivery, secret)).toBe(true);
    expect(verifyStandardWebhook(delivery, secret)).toEqual(delivery.event);
  }

  describe('subscriptions', () => {
    it('creates a webhook with a generated secret, shown only in the create response', async () => {
      const r = await receiver();
      const res = await gw.api.post('/v1/webhooks', {
        url: r.url,
        events: ['customer.created', 'device.*'],
        description: '客户同步',
      });
      expect(res.status).toBe(201);
      const webhook = res.body.data;
      webhookIds.push(webhook.id);
      expect(webhook).toEqual({
        id: expect.stringMatching(/^whk_[0-9A-HJKMNP-TV-Z]{26}$/),
        url: r.url,
        events: ['customer.created', 'device.*'],
        description: '客户同步',
        status: 'active',
        disabledReason: null,
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{32}$/),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const read = await gw.api.get(`/v1/webhooks/${webhook.id}`);
      expect(read.status).toBe(200);
      expect(read.body.data).not.toHaveProperty('secret');
      const { secret: _secret, ...withoutSecret } = webhook;
      expect(read.body.data).toEqual(withoutSecret);
      const list = await gw.api.get('/v1/webhooks?status=active&fields=id,url,events');
      expect(list.status).toBe(200);
      expect(list.body.data.items).toContainEqual({ id: webhook.id, url: r.url, events: webhook.events });
      expect(list.text).not.toContain(webhook.secret);
    });

    it('keeps a given secret, such as the seed example', async () => {
      const r = await receiver();
      const webhook = await subscribe(r, ['customer.created', 'order.paid'], { secret: 'your_webhook_secret' });
      expect(webhook.secret).toBe('your_webhook_secret');
    });

    it.each([
      [{ url: 'ftp://example.com/hook', events: ['*'] }, 'url'],
      [{ url: 'not a url', events: ['*'] }, 'url'],
      [{ url: 'https://user:pass@example.com/hook', events: ['*'] }, 'url'],
      [{ url: 'https://example.com/hook', events: ['customer.created', 'customer.exploded'] }, 'events[1]'],
      [{ url: 'https://example.com/hook', events: ['gadget.*'] }, 'events[0]'],
      [{ url: 'https://example.com/hook', events: [] }, 'events'],
      [{ url: 'https://example.com/hook' }, 'events'],
      [{ url: 'https://example.com/hook', events: ['*'], secret: 'short' }, 'secret'],
      [{ url: 'https://example.com/hook', events: ['*'], secret: 'whsec_not base64!!' }, 'secret'],
      [{ url: 'https://example.com/hook', events: ['*'], active: true }, 'active'],
    ])('refuses %j with 40001 naming %s', async (body, field) => {
      const res = await gw.api.post('/v1/webhooks', body, { 'Accept-Language': 'en-US' });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(40001);
      expect(res.body.errors).toEqual([expect.objectContaining({ field })]);
    });

    it('updates, disables and re-enables, rotates the secret, deletes', async () => {
      const r = await receiver();
      const webhook = await subscribe(r, ['customer.created']);
      const patched = await gw.api.patch(`/v1/webhooks/${webhook.id}`, { events: ['order.*', '*'], description: 'x' });
      expect(patched.status).toBe(200);
      expect(patched.body.data).toMatchObject({ events: ['order.*', '*'], description: 'x' });
      expect(patched.body.data).not.toHaveProperty('secret');

      const disabled = await gw.api.patch(`/v1/webhooks/${webhook.id}`, { status: 'disabled' });
      expect(disabled.body.data).toMatchObject({ status: 'disabled', disabledReason: 'manual' });
      const test = await gw.api.post(`/v1/webhooks/${webhook.id}/test`);
      expect(test.status).toBe(422);
      expect(test.body.code).toBe(42201);
      const enabled = await gw.api.patch(`/v1/webhooks/${webhook.id}`, { status: 'active' });
      expect(enabled.body.data).toMatchObject({ status: 'active', disabledReason: null });

      const rotated = await gw.api.post(`/v1/webhooks/${webhook.id}/rotate-secret`);
      expect(rotated.status).toBe(200);
      expect(rotated.body.data.secret).toMatch(/^whsec_/);
      expect(rotated.body.data.secret).not.toBe(webhook.secret);
      const given = await gw.api.patch(`/v1/webhooks/${webhook.id}`, { secret: 'a-secret-of-my-own-choosing' });
      expect(given.body.data.secret).toBe('a-secret-of-my-own-choosing');

      // the new secret signs from now on
      const sent = await gw.api.post(`/v1/webhooks/${webhook.id}/test`);
      expect(sent.status).toBe(200);
      const [delivery] = await receivedAtLeast(r, 1);
      expectSigned(delivery!, 'a-secret-of-my-own-choosing');

      expect((await gw.api.delete(`/v1/webhooks/${webhook.id}`)).status).toBe(204);
      expect((await gw.api.get(`/v1/webhooks/${webhook.id}`)).status).toBe(404);
      expect((await gw.api.get(`/v1/webhooks/${webhook.id}/deliveries`)).status).toBe(404);
      expect((await gw.api.get('/v1/webhooks/not-an-id')).status).toBe(404);
    });
    it('documents every route and its response in the OpenAPI document', async () => {
      const doc = (await gw.api.get('/openapi.json')).body;
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/v1/webhooks',
          '/v1/webhooks/{id}',
          '/v1/webhooks/{id}/rotate-secret',
          '/v1/webhooks/{id}/test',
          '/v1/webhooks/{id}/deliveries',
          '/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver',
        ]),
      );
      expect(Object.keys(doc.components.schemas)).toEqual(
        expect.arrayContaining(['Webhook', 'WebhookWithSecret', 'WebhookDelivery']),
      );
      expect(JSON.stringify(doc.paths['/v1/webhooks'].post.responses['201'])).toContain('WebhookWithSecret');
    });
  });

  describe('delivery', () => {
    it('delivers every CRM event and webhook.test exactly as SPEC §7 says, signed both ways, in order', async () => {
      const generated = await receiver();
      const seedStyle = await receiver();
      const a = await subscribe(generated, ['*']);
      const b = await subscribe(seedStyle, ['*'], { secret: 'your_webhook_secret' });

      const customer = await createCustomer(gw.api);
      await gw.api.patch(`/v1/customers/${customer.id}`, { status: 'inactive' });
      const order = await createOrder(gw.api, customer.id);
      await gw.api.post(`/v1/orders/${order.id}/pay`);
      const other = await createOrder(gw.api, customer.id);
      await gw.api.post(`/v1/orders/${other.id}/cancel`);
      const doomed = await createCustomer(gw.api);
      await gw.api.delete(`/v1/customers/${doomed.id}`);
      const test = await gw.api.post(`/v1/webhooks/${a.id}/test`);
      expect(test.status).toBe(200);
      expect(test.body.data).toMatchObject({ webhookId: a.id, eventType: 'webhook.test', status: 'pending' });

      const types = [
        'customer.created',
        'customer.updated',
        'order.created',
        'order.paid',
        'order.created',
        'order.cancelled',
        'customer.created',
        'customer.deleted',
      ];
      await receivedAtLeast(generated, types.length + 1);
      await receivedAtLeast(seedStyle, types.length);
      const logged = await gw.api.get('/v1/events?order=asc&pageSize=100');
      const events = new Map(logged.body.data.items.map((e: any) => [e.id, e]));

      for (const [r, secret] of [
        [generated, a.secret],
        [seedStyle, 'your_webhook_secret'],
      ] as const) {
        const crm = r.received.filter((d) => d.event.type !== 'webhook.test');
        expect(crm.map((d) => d.event.type)).toEqual(types);
        for (const d of r.received) {
          expectSigned(d, secret);
          expect(d.body).toBe(JSON.stringify(events.get(d.event.id)));
          expect(d.headers['content-type']).toBe('application/json');
          expect(d.headers['user-agent']).toMatch(/^iot-gateway\/\d+\.\d+\.\d+$/);
          expect(d.headers['x-webhook-id']).toBe(d.event.id);
          expect(d.headers['webhook-id']).toBe(d.event.id);
          expect(d.headers['x-webhook-event']).toBe(d.event.type);
          expect(d.headers['x-webhook-timestamp']).toBe(d.headers['webhook-timestamp']);
          expect(Math.abs(Number(d.headers['webhook-timestamp']) - d.at / 1000)).toBeLessThan(60);
          expect(d.headers['x-webhook-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
          expect(d.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
        }
        expect(crm[0]!.event.data).toEqual({
          customer: expect.objectContaining({ id: customer.id, status: 'active' }),
        });
        expect(crm[1]!.event.data.customer).toMatchObject({ id: customer.id, status: 'inactive' });
        expect(crm[3]!.event.data).toEqual({ order: expect.objectContaining({ id: order.id, status: 'paid' }) });
        expect(crm[5]!.event.data.order).toMatchObject({ id: other.id, status: 'cancelled' });
        expect(crm[7]!.event.data.customer).toMatchObject({ id: doomed.id });
        // recorded order is delivery order
        const ids = crm.map((d) => d.event.id);
        expect([...ids].sort()).toEqual(ids);
      }

      // webhook.test went to its webhook only
      const [ping] = generated.events('webhook.test');
      expect(ping!.event).toMatchObject({ id: test.body.data.eventId, data: { webhookId: a.id } });
      expect(seedStyle.events('webhook.test')).toHaveLength(0);

      expect(await settled(gw.api, b.id)).toHaveLength(types.length);
      const log = await settled(gw.api, a.id);
      expect(log).toHaveLength(types.length + 1);
      for (const item of log) {
        expect(item).toEqual({
          id: expect.stringMatching(/^dlv_/),
          webhookId: a.id,
          eventId: expect.stringMatching(/^evt_/),
          eventType: expect.any(String),
          attempt: 1,
          status: 'succeeded',
          responseStatus: 200,
          responseBody: 'ok',
          durationMs: expect.any(Number),
          error: null,
          createdAt: expect.any(String),
          attemptedAt: expect.any(String),
          nextAttemptAt: null,
        });
      }
    });

    it('delivers device events to a device.* subscription, signed, in order', async () => {
      const r = await receiver();
      const webhook = await subscribe(r, ['device.*']);
      const device = await createDevice(gw);
      const client = await connectDevice(gw, device);
      await publish(
        client,
        `devices/${device.id}/alerts`,
        JSON.stringify({ type: 'overheat', severity: 'critical', message: 'hot' }),
      );
      await publish(client, `devices/${device.id}/alerts`, JSON.stringify({ type: 'overheat', status: 'cleared' }));
      // the broker handles an alert and a disconnect concurrently: let the alerts be recorded first
      await eventually(async () => (await deviceEvents(gw, device.id, ['device.alert'])).length === 2);
      await createCustomer(gw.api); // not a device event
      await endClient(client);
      await eventually(async () => r.events('device.offline').length === 1, 15_000, 'device.offline');
      expect((await gw.api.delete(`/v1/iot/devices/${device.id}`)).status).toBe(204);

      const got = await receivedAtLeast(r, 6);
      expect(got.map((d) => d.event.type)).toEqual([
        'device.created',
        'device.online',
        'device.alert',
        'device.alert',
        'device.offline',
        'device.deleted',
      ]);
      const recorded = await deviceEvents(
        gw,
        device.id,
        got.map((d) => d.event.type),
      );
      expect(got.map((d) => d.event.id)).toEqual(recorded.map((e) => e.id));
      for (const d of got) {
        expectSigned(d, webhook.secret);
        expect(d.event.data.device.id).toBe(device.id);
      }
      expect(got[2]!.event.data.alert).toMatchObject({ type: 'overheat', severity: 'critical', status: 'active' });
      expect(got[3]!.event.data.alert).toMatchObject({ type: 'overheat', status: 'cleared' });
      expect(got[4]!.event.data.reason).toBe('client_disconnect');
    });

    it('delivers command outcome events to a command.* subscription, signed', async () => {
      const r = await receiver();
      const webhook = await subscribe(r, ['command.*']);
      const lamp = await commandDevice(gw, (c) =>
        c.command === 'turnOn'
          ? { status: 'ok', result: { on: true, brightness: (c.params as { brightness: number }).brightness } }
          : c.command === 'hang'
            ? 'silent'
            : { status: 'error', error: { code: 'UNKNOWN_COMMAND', message: c.command } },
      );
      const succeeded = await sendCommand(gw, lamp.id, { command: 'turnOn', params: { brightness: 80 } });
      expect(succeeded.body.data.status).toBe('succeeded');
      const failed = await sendCommand(gw, lamp.id, { command: 'selfDestruct' });
      expect(failed.body.data.status).toBe('failed');
      const timedOut = await sendCommand(gw, lamp.id, { command: 'hang', timeoutMs: 300 });
      expect(timedOut.status).toBe(504);
      // queued for an offline device with a 1 s TTL: it expires
      const offline = await createDevice(gw);
      const expired = await sendCommand(gw, offline.id, { command: 'turnOff', ttlSeconds: 1 });
      expect(expired.status).toBe(202);

      const got = await receivedAtLeast(r, 4, 20_000);
      const byType = new Map(got.map((d) => [d.event.type, d]));
      expect([...byType.keys()].sort()).toEqual([
        'command.expired',
        'command.failed',
        'command.succeeded',
        'command.timed_out',
      ]);
      for (const d of got) expectSigned(d, webhook.secret);
      expect(byType.get('command.succeeded')!.event.data.command).toMatchObject({
        id: succeeded.body.data.id,
        deviceId: lamp.id,
        command: 'turnOn',
        status: 'succeeded',
        result: { on: true, brightness: 80 },
      });
      expect(byType.get('command.failed')!.event.data.command).toMatchObject({
        id: failed.body.data.id,
        error: { code: 'UNKNOWN_COMMAND' },
      });
      expect(byType.get('command.timed_out')!.event.data.command).toMatchObject({
        command: 'hang',
        status: 'timed_out',
      });
      expect(byType.get('command.expired')!.event.data.command).toMatchObject({
        id: expired.body.data.id,
        status: 'expired',
      });
      await endClient(lamp.client);
    });

    it('applies event filters: *, exact types and category.*', async () => {
      const all = await receiver();
      const created = await receiver();
      const orders = await receiver();
      const mixed = await receiver();
      await subscribe(all, ['*']);
      await subscribe(created, ['customer.created']);
      await subscribe(orders, ['order.*']);
      const m = await subscribe(mixed, ['order.paid', 'customer.updated']);

      const customer = await createCustomer(gw.api);
      await gw.api.patch(`/v1/customers/${customer.id}`, { name: 'renamed' });
      const order = await createOrder(gw.api, customer.id);
      await gw.api.post(`/v1/orders/${order.id}/pay`);

      // `all` gets everything; once it has, every fan-out is done
      await receivedAtLeast(all, 4);
      await settled(gw.api, m.id);
      const typesOf = (r: WebhookReceiver) => r.received.map((d) => d.event.type);
      expect(typesOf(all)).toEqual(['customer.created', 'customer.updated', 'order.created', 'order.paid']);
      await eventually(async () => created.received.length === 1 && orders.received.length === 2);
      expect(typesOf(created)).toEqual(['customer.created']);
      expect(typesOf(orders)).toEqual(['order.created', 'order.paid']);
      expect(typesOf(mixed)).toEqual(['customer.updated', 'order.paid']);
    });
  });

  it('delivers a burst to one webhook exactly once each, in event order, every attempt logged succeeded', async () => {
    // more than the drain's batch and the BullMQ worker's concurrency: jobs of the burst find the webhook busy
    const r = await receiver();
    const w = await subscribe(r, ['customer.created']);
    const items = Array.from({ length: 60 }, (_, i) => ({ name: `Burst ${i}` }));
    const batch = await gw.api.post('/v1/customers/batch', { items });
    expect(batch.status).toBe(201);
    const ids = batch.body.data.items.map((c: { id: string }) => c.id);

    await receivedAtLeast(r, ids.length, 30_000);
    const log = await settled(gw.api, w.id, 30_000);
    expect(log).toHaveLength(ids.length);
    expect(log.every((d) => d.status === 'succeeded' && d.attempt === 1)).toBe(true);
    // nothing twice: a moment later, still one request per event
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(r.received.map((d) => (d.event.data as { customer: { id: string } }).customer.id)).toEqual(ids);
    expect(new Set(r.received.map((d) => d.event.id)).size).toBe(ids.length);
  });

  describe('retries', () => {
    it('logs 4 attempts with the same event id when the receiver fails 3 times, then succeeds', async () => {
      const r = await receiver((_, n) => (n < 3 ? { status: 500, body: `boom ${n}` } : { status: 204 }));
      const webhook = await subscribe(r, ['customer.created']);
      const customer = await createCustomer(gw.api);

      const got = await receivedAtLeast(r, 4);
      const eventId = got[0]!.event.id;
      expect(got[0]!.event.data.customer.id).toBe(customer.id);
      for (const d of got) {
        expect(d.headers['x-webhook-id']).toBe(eventId);
        expect(d.headers['webhook-id']).toBe(eventId);
        expectSigned(d, webhook.secret);
      }
      const log = await settled(gw.api, webhook.id);
      expect(log.map((d) => [d.eventId, d.attempt, d.status, d.responseStatus])).toEqual([
        [eventId, 1, 'failed', 500],
        [eventId, 2, 'failed', 500],
        [eventId, 3, 'failed', 500],
        [eventId, 4, 'succeeded', 204],
      ]);
      expect(log[0].responseBody).toBe('boom 0');
      expect(log[0].error).toBe('HTTP 500');
      for (const failed of log.slice(0, 3)) expect(failed.nextAttemptAt).toEqual(expect.any(String));
      expect(log[3].nextAttemptAt).toBeNull();
      expect((await gw.api.get(`/v1/webhooks/${webhook.id}`)).body.data.status).toBe('active');
    });

    it("waits at least the receiver's Retry-After", async () => {
      const r = await receiver((_, n) =>
        n === 0 ? { status: 503, headers: { 'Retry-After': '2' } } : { status: 200 },
      );
      const webhook = await subscribe(r, ['customer.created']);
      await createCustomer(gw.api);
      const [first, second] = await receivedAtLeast(r, 2);
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(2000);
      const [failed] = await settled(gw.api, webhook.id);
      expect(failed).toMatchObject({ status: 'failed', responseStatus: 503 });
      expect(Date.parse(failed.nextAttemptAt) - Date.parse(failed.attemptedAt)).toBeGreaterThanOrEqual(2000);
    });

    it('gives up after the last delay and disables a webhook that failed the whole schedule', async () => {
      const r = await receiver(() => ({ status: 500 }));
      const webhook = await subscribe(r, ['customer.created']);
      await createCustomer(gw.api);
      const log = await settled(gw.api, webhook.id);
      expect(log.map((d) => [d.attempt, d.status])).toEqual([1, 2, 3, 4, 5].map((n) => [n, 'failed']));
      expect(log[4].nextAttemptAt).toBeNull();
      expect(r.received).toHaveLength(RETRY_DELAYS.length + 1);
      const read = await gw.api.get(`/v1/webhooks/${webhook.id}`);
      expect(read.body.data).toMatchObject({ status: 'disabled', disabledReason: 'failing' });
    });

    it('disables the webhook on 410 Gone, and sends nothing more until it is enabled again', async () => {
      const gone = await receiver(() => ({ status: 410 }));
      const sentinel = await receiver();
      const webhook = await subscribe(gone, ['customer.created']);
      await subscribe(sentinel, ['customer.created']);
      await createCustomer(gw.api);
      const [only] = await settled(gw.api, webhook.id);
      expect(only).toMatchObject({ attempt: 1, status: 'failed', responseStatus: 410, nextAttemptAt: null });
      const read = await gw.api.get(`/v1/webhooks/${webhook.id}`);
      expect(read.body.data).toMatchObject({ status: 'disabled', disabledReason: 'endpoint_gone' });

      const later = await createCustomer(gw.api);
      // the sentinel got it, so the relay has fanned it out: the disabled webhook got no delivery for it
      await receivedAtLeast(sentinel, 1, 15_000, (e) => e.type === 'customer.created' && e.id !== only.eventId);
      await eventually(async () => sentinel.received.some((d) => d.event.data.customer.id === later.id));
      expect(await deliveriesOf(gw.api, webhook.id)).toHaveLength(1);
      expect(gone.received).toHaveLength(1);

      gone.respond = () => ({ status: 200 });
      await gw.api.patch(`/v1/webhooks/${webhook.id}`, { status: 'active' });
      const third = await createCustomer(gw.api);
      await eventually(async () => gone.received.some((d) => d.event.data.customer?.id === third.id));
    });
  });

  describe('delivery log and redelivery', () => {
    it('redelivers an event on request, as one more attempt with the same event id', async () => {
      const r = await receiver();
      const webhook = await subscribe(r, ['customer.created']);
      await createCustomer(gw.api);
      const [first] = await settled(gw.api, webhook.id);
      const res = await gw.api.post(`/v1/webhooks/${webhook.id}/deliveries/${first.id}/redeliver`);
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ eventId: first.eventId, attempt: 2, status: 'pending' });
      const [original, again] = await receivedAtLeast(r, 2);
      expect(again!.event.id).toBe(original!.event.id);
      expect(again!.body).toBe(original!.body);
      expectSigned(again!, webhook.secret);
      const log = await settled(gw.api, webhook.id);
      expect(log.map((d) => [d.attempt, d.status])).toEqual([
        [1, 'succeeded'],
        [2, 'succeeded'],
      ]);
    });

    it('answers 404 for a delivery of another webhook or a malformed id, 42201 for a disabled webhook', async () => {
      const r = await receiver();
      const one = await subscribe(r, ['customer.created']);
      const two = await subscribe(r, ['customer.created']);
      await createCustomer(gw.api);
      const [delivery] = await settled(gw.api, one.id);
      expect((await gw.api.post(`/v1/webhooks/${two.id}/deliveries/${delivery.id}/redeliver`)).status).toBe(404);
      expect((await gw.api.post(`/v1/webhooks/${one.id}/deliveries/dlv_nope/redeliver`)).status).toBe(404);
      await gw.api.patch(`/v1/webhooks/${one.id}`, { status: 'disabled' });
      const refused = await gw.api.post(`/v1/webhooks/${one.id}/deliveries/${delivery.id}/redeliver`);
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe(42201);
    });

    it('lists the log with the query grammar: status, eventType, createdAt', async () => {
      const r = await receiver((d) => (d.event.type === 'customer.updated' ? { status: 400 } : { status: 200 }));
      const webhook = await subscribe(r, ['customer.*']);
      const customer = await createCustomer(gw.api);
      await gw.api.patch(`/v1/customers/${customer.id}`, { name: 'renamed' });
      await eventually(async () => (await deliveriesOf(gw.api, webhook.id)).length >= RETRY_DELAYS.length + 2);
      const all = await settled(gw.api, webhook.id);
      const base = `/v1/webhooks/${webhook.id}/deliveries`;
      const succeeded = await gw.api.get(`${base}?status=succeeded`);
      expect(succeeded.body.data.items.map((d: any) => d.eventType)).toEqual(['customer.created']);
      const updates = await gw.api.get(`${base}?eventType=customer.updated&fields=attempt,status`);
      expect(updates.body.data.items).toHaveLength(RETRY_DELAYS.length + 1);
      expect(updates.body.data.items[0]).toEqual({ attempt: RETRY_DELAYS.length + 1, status: 'failed' });
      const since = await gw.api.get(`${base}?createdAt[gt]=${encodeURIComponent(all[0].createdAt)}&limit=2`);
      expect(since.body.data.items).toHaveLength(2);
      expect(since.body.cursor.hasMore).toBe(true);
      for (const bad of ['attempt=1', 'sort=attempt', 'status=lost', 'eventType=nope']) {
        const res = await gw.api.get(`${base}?${bad}`);
        expect([res.status, res.body.code]).toEqual([400, 40001]);
      }
    });
  });

  it('exposes delivery metrics: outcomes, attempt latency, queue depth', async () => {
    const r = await receiver((_, n) => ({ status: n === 0 ? 500 : 200 }));
    const webhook = await subscribe(r, ['customer.created']);
    await createCustomer(gw.api);
    await eventually(async () => (await settled(gw.api, webhook.id)).length === 2);
    const metrics = await gw.api.get('/metrics');
    expect(metrics.text).toMatch(/^webhook_deliveries_total\{outcome="succeeded"\} [1-9]\d*$/m);
    expect(metrics.text).toMatch(/^webhook_deliveries_total\{outcome="retrying"\} [1-9]\d*$/m);
    expect(metrics.text).toMatch(/^webhook_delivery_duration_seconds_bucket\{le="10",outcome="succeeded"\} [1-9]/m);
    expect(metrics.text).toMatch(/^webhook_queue_depth \d+$/m);
  });
});
