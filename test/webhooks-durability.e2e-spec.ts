import { createCustomer, eventually } from './helpers/factories.js';
import { createStorage, type Gateway, startGateway, type Storage } from './helpers/gateway.js';
import { RedisServer, redisServerAvailable } from './helpers/redis-server.js';
import { WebhookReceiver } from './helpers/webhook-receiver.js';
import { createWebhook, deliveriesOf, receivedAtLeast, settled } from './helpers/webhooks.js';

const ENV = { WEBHOOK_RETRY_DELAYS_MS: '200,200,200' };

/** At-least-once across crashes, restarts, Redis outages and several instances (SPEC §7). */
describe('webhook delivery durability', () => {
  let storage: Storage;
  let receiver: WebhookReceiver;
  const gateways: Gateway[] = [];

  beforeEach(async () => {
    storage = createStorage();
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    for (const gw of gateways.splice(0)) if (gw.process.exitCode === null) await gw.kill();
    await receiver.close();
    await storage.drop();
  });

  async function start(env: Record<string, string> = {}): Promise<Gateway> {
    const gw = await startGateway({ storage, env: { ...ENV, ...env } });
    gateways.push(gw);
    return gw;
  }

  const deliveredCustomer = (id: string) => receiver.received.filter((d) => d.event.data.customer?.id === id);

  it("still delivers a change's event when the gateway is SIGKILLed right after it", async () => {
    const first = await start();
    const webhook = await createWebhook(first.api, receiver, ['customer.created']);
    const customer = await createCustomer(first.api);
    await first.kill();

    const second = await start();
    await eventually(async () => deliveredCustomer(customer.id).length > 0, 30_000, 'the event after restart');
    const log = await settled(second.api, webhook.id);
    expect(log.some((d) => d.status === 'succeeded' && d.eventId === deliveredCustomer(customer.id)[0]!.event.id)).toBe(
      true,
    );
    expect(await second.stop()).toBe(0);
  });

  it('delivers again an attempt that was in flight when the gateway was SIGKILLed', async () => {
    receiver.respond = (_, n) => (n === 0 ? { status: 200, delayMs: 60_000 } : { status: 200 });
    const first = await start();
    const webhook = await createWebhook(first.api, receiver, ['customer.created']);
    const customer = await createCustomer(first.api);
    await receivedAtLeast(receiver, 1); // the attempt is in flight, unanswered
    await first.kill();

    const second = await start();
    await eventually(async () => deliveredCustomer(customer.id).length >= 2, 75_000, 'the retried attempt');
    const log = await settled(second.api, webhook.id);
    expect(log.filter((d) => d.status === 'succeeded')).toHaveLength(1);
    expect(await second.stop()).toBe(0);
  }, 120_000);

  it('finishes and records the attempt in flight on SIGTERM, then exits 0', async () => {
    receiver.respond = () => ({ status: 200, delayMs: 2000 });
    const gw = await start();
    const webhook = await createWebhook(gw.api, receiver, ['customer.created']);
    await createCustomer(gw.api);
    await receivedAtLeast(receiver, 1); // in flight: the receiver answers in 2 s
    expect(await gw.stop()).toBe(0);

    const again = await start();
    expect(await deliveriesOf(again.api, webhook.id)).toEqual([
      expect.objectContaining({ attempt: 1, status: 'succeeded', responseStatus: 200 }),
    ]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver.received).toHaveLength(1); // recorded, so not sent again
    expect(await again.stop()).toBe(0);
  });

  it('delivers each event once with two gateway instances on one database', async () => {
    const a = await start();
    const b = await start();
    const webhook = await createWebhook(a.api, receiver, ['customer.created']);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await createCustomer((i % 2 ? b : a).api)).id);
    await eventually(async () => ids.every((id) => deliveredCustomer(id).length > 0), 20_000, 'every event');
    await settled(a.api, webhook.id);
    const delivered = receiver.received.map((d) => d.event.data.customer.id as string);
    expect([...delivered].sort()).toEqual([...ids].sort());
    expect(await deliveriesOf(a.api, webhook.id)).toHaveLength(ids.length);
  });

  (redisServerAvailable() ? describe : describe.skip)('with Redis (a redis-server of its own)', () => {
    let redis: RedisServer;
    beforeEach(async () => {
      redis = await RedisServer.start();
    });
    afterEach(() => redis.stop());

    it('delays deliveries while Redis is down and loses none when it comes back empty', async () => {
      const gw = await start({ REDIS_URL: redis.url });
      const webhook = await createWebhook(gw.api, receiver, ['customer.created']);
      await createCustomer(gw.api);
      await receivedAtLeast(receiver, 1);

      await redis.stop();
      const during: string[] = [];
      for (let i = 0; i < 3; i++) during.push((await createCustomer(gw.api)).id);
      await new Promise((r) => setTimeout(r, 2000));
      expect(receiver.received).toHaveLength(1);

      await redis.start(); // same port, no data: every queued job is gone
      await eventually(async () => during.every((id) => deliveredCustomer(id).length > 0), 45_000, 'the backlog');
      const firstArrivals = receiver.received.map((d) => d.event.data.customer.id).filter((id) => during.includes(id));
      expect([...new Set(firstArrivals)]).toEqual(during);
      const log = await settled(gw.api, webhook.id);
      expect(log.map((d) => d.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
      expect(await gw.stop()).toBe(0);
    }, 90_000);

    it('still shuts down cleanly on SIGTERM while Redis is down', async () => {
      const gw = await start({ REDIS_URL: redis.url });
      await createWebhook(gw.api, receiver, ['customer.created']);
      await redis.stop();
      await createCustomer(gw.api);
      expect(await gw.stop()).toBe(0);
    });

    it('re-queues a retry whose job Redis lost', async () => {
      receiver.respond = (_, n) => (n === 0 ? { status: 503, headers: { 'Retry-After': '3' } } : { status: 200 });
      const gw = await start({ REDIS_URL: redis.url, LOG_LEVEL: 'info' });
      const webhook = await createWebhook(gw.api, receiver, ['customer.created']);
      await createCustomer(gw.api);
      // the retry is recorded and its delayed job handed to Redis …
      await eventually(async () => (await deliveriesOf(gw.api, webhook.id)).length === 2, 10_000, 'the retry');
      await new Promise((r) => setTimeout(r, 300));
      // … which then loses it
      await redis.stop();
      await redis.start();
      await receivedAtLeast(receiver, 2, 30_000);
      const log = await settled(gw.api, webhook.id);
      expect(log.map((d) => [d.attempt, d.status])).toEqual([
        [1, 'failed'],
        [2, 'succeeded'],
      ]);
      expect(gw.output()).toContain('pending webhook deliveries re-queued');
      expect(await gw.stop()).toBe(0);
    }, 60_000);
  });
});
