import { createCustomer } from './helpers/factories.js';
import { createStorage, type Gateway, startGateway, type Storage } from './helpers/gateway.js';
import { WebhookReceiver } from './helpers/webhook-receiver.js';
import { settled } from './helpers/webhooks.js';

const GUARDED = { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false', WEBHOOK_RETRY_DELAYS_MS: '100' };

/** SPEC §7: no webhook may reach loopback, private or link-local addresses unless WEBHOOK_ALLOW_PRIVATE_NETWORKS. */
describe('webhook SSRF guard', () => {
  describe('at registration', () => {
    let gw: Gateway;
    beforeAll(async () => {
      gw = await startGateway({ env: GUARDED });
    });
    afterAll(() => gw.stop());

    it.each([
      'http://127.0.0.1/hook',
      'http://127.0.0.1:3000/hook',
      'http://localhost:8080/hook',
      'http://LOCALHOST./hook',
      'http://api.localhost/hook',
      'http://0x7f000001/hook',
      'http://127.1/hook',
      'http://2130706433/hook',
      'http://0177.0.0.1/hook',
      'http://0x7f.0.0.1/hook',
      'http://[::1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://[0:0:0:0:0:ffff:7f00:1]/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::ffff:a9fe:a9fe]/latest/meta-data/',
      'http://2852039166/latest/meta-data/',
      'http://10.0.0.1/hook',
      'http://172.16.5.4/hook',
      'https://192.168.1.10/hook',
      'http://100.64.0.1/hook',
      'http://0.0.0.0/hook',
      'http://0/hook',
      'http://[::]/hook',
      'http://[fd12:3456::1]/hook',
      'http://[fe80::1]/hook',
      'http://224.0.0.1/hook',
      'http://[64:ff9b::7f00:1]/hook',
    ])('refuses %s with 40001', async (url) => {
      const res = await gw.api.post('/v1/webhooks', { url, events: ['*'] }, { 'Accept-Language': 'en-US' });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 40001,
        errors: [
          { field: 'url', message: 'must not point to a loopback, private, link-local or other non-public address' },
        ],
      });
    });

    it('accepts public addresses, and refuses a private one on update too', async () => {
      for (const url of ['https://93.184.215.14/hook', 'https://[2606:4700:4700::1111]/hook']) {
        const res = await gw.api.post('/v1/webhooks', { url, events: ['*'] });
        expect(res.status).toBe(201);
      }
      const webhook = (await gw.api.post('/v1/webhooks', { url: 'https://93.184.215.14/x', events: ['*'] })).body.data;
      const res = await gw.api.patch(`/v1/webhooks/${webhook.id}`, { url: 'http://127.1:8080/' });
      expect([res.status, res.body.code, res.body.errors[0].field]).toEqual([400, 40001, 'url']);
    });
  });

  describe('at connect time', () => {
    let storage: Storage;
    let receiver: WebhookReceiver;
    beforeAll(async () => {
      storage = createStorage();
      receiver = await WebhookReceiver.start();
    });
    afterAll(async () => {
      await receiver.close();
      await storage.drop();
    });

    it('refuses to connect to a private address even if the URL was registered while allowed', async () => {
      // registered while private networks were allowed (as the IP, and as a name that resolves to loopback)
      const open = await startGateway({ storage, env: { ...GUARDED, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' } });
      const byIp = (await open.api.post('/v1/webhooks', { url: receiver.url, events: ['customer.created'] })).body.data;
      const byName = (
        await open.api.post('/v1/webhooks', {
          url: `http://localhost:${receiver.port}/hook`,
          events: ['customer.created'],
        })
      ).body.data;
      expect(await open.stop()).toBe(0);

      const guarded = await startGateway({ storage, env: GUARDED });
      try {
        await createCustomer(guarded.api);
        for (const webhook of [byIp, byName]) {
          const log = await settled(guarded.api, webhook.id);
          expect(log.length).toBeGreaterThan(0);
          for (const attempt of log) {
            expect(attempt).toMatchObject({ status: 'failed', responseStatus: null });
            expect(attempt.error).toMatch(/refused by the SSRF guard/);
          }
        }
        expect(receiver.received).toHaveLength(0);
      } finally {
        await guarded.stop();
      }
    });
  });
});
