import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { ApiClient } from './helpers/api-client.js';
import { createStorage, runGatewayExpectingFailure, startGateway } from './helpers/gateway.js';

describe('process lifecycle', () => {
  describe('configuration', () => {
    it.each([
      [{ HTTP_PORT: 'abc' }, 'HTTP_PORT'],
      [{ HTTP_PORT: '70000' }, 'HTTP_PORT'],
      [{ MQTT_PORT: '-1' }, 'MQTT_PORT'],
      [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
      [{ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL'],
      [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
      [{ ADMIN_API_KEY: 'too-short' }, 'ADMIN_API_KEY'],
      [{ RATE_LIMIT_STANDARD: '0' }, 'RATE_LIMIT_STANDARD'],
      [{ WEBHOOK_RETRY_DELAYS_MS: '5s,10s' }, 'WEBHOOK_RETRY_DELAYS_MS'],
      [{ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'yes' }, 'WEBHOOK_ALLOW_PRIVATE_NETWORKS'],
      [{ PUBLIC_URL: 'localhost:3000' }, 'PUBLIC_URL'],
    ])('%j stops the process with one line naming %s', async (env, name) => {
      const { code, output } = await runGatewayExpectingFailure(env);
      expect(code).toBe(1);
      const lines = output.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^Invalid environment variable ${name}: `));
    });

    it('does not echo a secret it refuses', async () => {
      const { output } = await runGatewayExpectingFailure({ ADMIN_API_KEY: 'secret-but-short' });
      expect(output).not.toContain('secret-but-short');
    });

    it('stops with a clear line when the HTTP port is in use', async () => {
      const blocker: Server = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const port = (blocker.address() as { port: number }).port;
      const storage = createStorage();
      try {
        const { code, output } = await runGatewayExpectingFailure({
          ...storage.env,
          HTTP_HOST: '127.0.0.1',
          HTTP_PORT: String(port),
          MQTT_PORT: '0',
        });
        expect(code).toBe(1);
        expect(output).toContain(`HTTP port ${port} is in use`);
        expect(output).toContain('HTTP_PORT');
      } finally {
        blocker.close();
        await storage.drop();
      }
    });
  });

  describe('first start', () => {
    it('creates an admin key, prints it once, and it works; a restart prints nothing', async () => {
      const storage = createStorage();
      const first = await startGateway({ storage, env: { ADMIN_API_KEY: '' } });
      const keys = first.output().match(/ak_[0-9A-Z]{26}_[A-Za-z0-9_-]+/g) ?? [];
      expect(new Set(keys).size).toBe(1);
      const client = new ApiClient(first.baseUrl, keys[0]);
      const me = await client.get('/v1/users/me');
      expect(me.body.data).toMatchObject({ email: 'admin@localhost', role: 'admin' });
      const list = await client.get('/v1/customers');
      expect(list.body).toEqual({
        code: 0,
        message: 'success',
        data: { items: [], pagination: { page: 1, pageSize: 20, total: 0, totalPages: 0 } },
      });
      expect(await first.stop()).toBe(0);

      const second = await startGateway({ storage, env: { ADMIN_API_KEY: '' } });
      expect(second.output()).not.toMatch(/ak_[0-9A-Z]{26}_/);
      expect((await new ApiClient(second.baseUrl, keys[0]).get('/v1/users/me')).status).toBe(200);
      await second.stop();
      await storage.drop();
    });

    it('ensures ADMIN_API_KEY as an admin key, and replaces it when it changes', async () => {
      const storage = createStorage();
      const keyA = 'first-admin-key-aaaaaaaaaaaaaaaaaaaaaaaaaa';
      const keyB = 'second-admin-key-bbbbbbbbbbbbbbbbbbbbbbbbb';
      const a = await startGateway({ storage, env: { ADMIN_API_KEY: keyA } });
      expect(a.output()).not.toContain(keyA);
      expect((await a.api.as(keyA).get('/v1/users/me')).body.data.email).toBe('admin@localhost');
      await a.stop();
      const b = await startGateway({ storage, env: { ADMIN_API_KEY: keyB } });
      expect((await b.api.as(keyB).get('/v1/api-keys')).status).toBe(200);
      expect((await b.api.as(keyA).get('/v1/users/me')).status).toBe(401);
      await b.stop();
      await storage.drop();
    });
  });

  describe('shutdown', () => {
    it('exits 0 on SIGTERM after finishing in-flight requests', async () => {
      const gw = await startGateway();
      const body = JSON.stringify({ name: 'arrived before SIGTERM' });
      // a request the server has already received (headers and half the body) when SIGTERM comes
      const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(
          `${gw.baseUrl}/v1/customers`,
          {
            method: 'POST',
            headers: {
              Authorization: `Bearer ${gw.api.token}`,
              'Content-Type': 'application/json',
              'Content-Length': Buffer.byteLength(body),
            },
          },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on('error', reject);
        req.write(body.slice(0, 10));
        setTimeout(() => {
          gw.process.kill('SIGTERM');
          setTimeout(() => req.end(body.slice(10)), 300);
        }, 300);
      });
      const res = await response;
      expect(res.status).toBe(201);
      expect(await gw.stop()).toBe(0);
      expect(gw.output()).toContain('SIGTERM received, shutting down');
    });
  });
});
