import { createStorage, type Gateway, PROFILE, startGateway } from './helpers/gateway.js';
import { sql } from './helpers/db.js';
import { createApiKey, createUser, eventually } from './helpers/factories.js';

describe('API keys, users and scopes', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.stop());

  describe('API keys', () => {
    it('shows the key once, stores only its SHA-256, lists it by prefix', async () => {
      const created = await gw.api.post('/v1/api-keys', { name: 'integration', scopes: ['read', 'write'] });
      expect(created.status).toBe(201);
      const { id, key, prefix } = created.body.data;
      expect(id).toMatch(/^ak_[0-9A-Z]{26}$/);
      expect(key).toMatch(new RegExp(`^${id}_[A-Za-z0-9_-]{32}$`));
      expect(key.startsWith(prefix)).toBe(true);
      expect(created.body.data).toMatchObject({ name: 'integration', scopes: ['read', 'write'], lastUsedAt: null });

      const listed = await gw.api.get('/v1/api-keys?pageSize=100');
      const item = listed.body.data.items.find((k: any) => k.id === id);
      expect(item).toBeDefined();
      expect(item.key).toBeUndefined();
      expect(JSON.stringify(listed.body)).not.toContain(key);
      expect((await gw.api.get(`/v1/api-keys/${id}`)).body.data.key).toBeUndefined();

      const [row] = await sql<{ key_hash: string }>(gw.storage, 'SELECT key_hash FROM api_keys WHERE id = $1', [id]);
      const { createHash } = await import('node:crypto');
      expect(row!.key_hash).toBe(createHash('sha256').update(key).digest('hex'));
    });

    it('records lastUsedAt when a key is used', async () => {
      const { id, key } = await createApiKey(gw.api, ['read']);
      expect((await gw.api.as(key).get('/v1/customers')).status).toBe(200);
      const used = await eventually(async () => (await gw.api.get(`/v1/api-keys/${id}`)).body.data.lastUsedAt);
      expect(Date.parse(used)).toBeGreaterThan(Date.now() - 60_000);
    });

    it('stops working at once when revoked', async () => {
      const { id, key } = await createApiKey(gw.api, ['read']);
      const client = gw.api.as(key);
      expect((await client.get('/v1/customers')).status).toBe(200);
      expect((await gw.api.delete(`/v1/api-keys/${id}`)).status).toBe(204);
      const after = await client.get('/v1/customers');
      expect(after.status).toBe(401);
      expect(after.body.code).toBe(40101);
      expect((await gw.api.delete(`/v1/api-keys/${id}`)).status).toBe(404);
    });

    it('refuses a read-only key on writes with 403 40301, and non-admin keys on admin routes', async () => {
      const { key: readOnly } = await createApiKey(gw.api, ['read']);
      const res = await gw.api.as(readOnly).post('/v1/customers', { name: 'nope' });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe(40301);
      const { key: writer } = await createApiKey(gw.api, ['read', 'write']);
      expect((await gw.api.as(writer).post('/v1/customers', { name: 'yes' })).status).toBe(201);
      expect((await gw.api.as(writer).get('/v1/users')).body.code).toBe(40301);
      expect((await gw.api.as(writer).post('/v1/api-keys', { name: 'x', scopes: ['read'] })).body.code).toBe(40301);
      const { key: writeOnly } = await createApiKey(gw.api, ['write']);
      expect((await gw.api.as(writeOnly).get('/v1/customers')).body.code).toBe(40301);
    });

    it('answers an expired key with 401 40102', async () => {
      const { key } = await createApiKey(gw.api, ['read'], { expiresAt: new Date(Date.now() + 1500).toISOString() });
      expect((await gw.api.as(key).get('/v1/customers')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1600));
      const res = await gw.api.as(key).get('/v1/customers');
      expect(res.status).toBe(401);
      expect(res.body.code).toBe(40102);
    });

    it('validates the create body', async () => {
      const res = await gw.api.post('/v1/api-keys', { name: '', scopes: ['root'], key: 'mine' });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: any) => e.field).sort()).toEqual(['key', 'name', 'scopes[0]']);
      const past = await gw.api.post('/v1/api-keys', {
        name: 'old',
        scopes: ['read'],
        expiresAt: '2020-01-01T00:00:00Z',
      });
      expect(past.body.code).toBe(40001);
    });
  });

  describe('users', () => {
    it('creates, reads, updates and deletes users (admin only); duplicate email → 40901', async () => {
      const user = await createUser(gw.api, { email: 'Zhang.San@Example.com', name: '张三' });
      expect(user).toEqual({
        id: expect.stringMatching(/^usr_/),
        email: 'zhang.san@example.com',
        name: '张三',
        role: 'member',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(JSON.stringify(user)).not.toMatch(/password/i);
      const dup = await gw.api.post('/v1/users', {
        email: 'zhang.san@example.com',
        name: 'x',
        password: 'long enough pw',
      });
      expect(dup.status).toBe(409);
      expect(dup.body).toMatchObject({ code: 40901, errors: [{ field: 'email' }] });
      const patched = await gw.api.patch(`/v1/users/${user.id}`, { name: '张三丰', role: 'admin' });
      expect(patched.body.data).toMatchObject({ name: '张三丰', role: 'admin' });
      expect((await gw.api.get(`/v1/users?search=${encodeURIComponent('三丰')}`)).body.data.items).toHaveLength(1);
      expect((await gw.api.delete(`/v1/users/${user.id}`)).status).toBe(204);
      expect((await gw.api.get(`/v1/users/${user.id}`)).status).toBe(404);
    });

    it('GET /v1/users/me needs only a valid principal', async () => {
      const me = await gw.api.get('/v1/users/me');
      expect(me.body.data).toMatchObject({ email: 'admin@localhost', role: 'admin' });
      const { key } = await createApiKey(gw.api, ['read']);
      expect((await gw.api.as(key).get('/v1/users/me')).body.data.email).toBe('admin@localhost');
      expect((await gw.api.as(undefined).get('/v1/users/me')).status).toBe(401);
    });

    it('keeps at least one admin and refuses deleting oneself', async () => {
      const me = (await gw.api.get('/v1/users/me')).body.data;
      expect((await gw.api.delete(`/v1/users/${me.id}`)).body.code).toBe(42201);
      expect((await gw.api.patch(`/v1/users/${me.id}`, { role: 'member' })).body.code).toBe(42201);
    });

    it("acts as the key's user, and deleting the user revokes its keys", async () => {
      const member = await createUser(gw.api, { role: 'member' });
      const { key } = await createApiKey(gw.api, ['read'], { userId: member.id });
      expect((await gw.api.as(key).get('/v1/users/me')).body.data.id).toBe(member.id);
      expect((await gw.api.delete(`/v1/users/${member.id}`)).status).toBe(204);
      const after = await gw.api.as(key).get('/v1/users/me');
      expect(after.status).toBe(401);
      expect(after.body.code).toBe(40101);
      const ghost = await gw.api.post('/v1/api-keys', { name: 'x', scopes: ['read'], userId: member.id });
      expect(ghost.body.code).toBe(42201);
    });

    it('lets only admin users hold admin keys', async () => {
      const member = await createUser(gw.api, { role: 'member' });
      const res = await gw.api.post('/v1/api-keys', { name: 'escalate', scopes: ['read', 'admin'], userId: member.id });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe(40301);
    });
  });
});

describe('rate limits', () => {
  it('answers 429 42901 with retryAfter and Retry-After past the limit, per principal and category', async () => {
    const gw = await startGateway({ env: { RATE_LIMIT_STANDARD: '5', RATE_LIMIT_BATCH: '2', RATE_LIMIT_UPLOAD: '1' } });
    try {
      const statuses: number[] = [];
      let last: any;
      for (let i = 0; i < 7; i++) {
        last = await gw.api.get('/v1/customers');
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expect(last.body).toEqual({
        code: 42901,
        message: '请求过于频繁,请稍后重试',
        retryAfter: expect.any(Number),
        requestId: expect.any(String),
      });
      expect(last.body.retryAfter).toBeGreaterThan(0);
      expect(last.body.retryAfter).toBeLessThanOrEqual(60);
      expect(last.headers.get('retry-after')).toBe(String(last.body.retryAfter));
      expect(last.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(last.headers.get('x-ratelimit-limit')).toBe('5');

      // the batch budget is separate, and smaller
      const batch1 = await gw.api.post('/v1/customers/batch', { items: [{ name: 'b' }] });
      expect(batch1.status).toBe(201);
      expect(batch1.headers.get('x-ratelimit-limit')).toBe('2');
      await gw.api.post('/v1/customers/batch', { items: [{ name: 'b' }] });
      expect((await gw.api.post('/v1/customers/batch', { items: [{ name: 'b' }] })).status).toBe(429);

      // another principal has its own budget; anonymous callers are counted by IP
      expect((await gw.api.as(undefined).get('/v1/customers')).status).toBe(401);
    } finally {
      await gw.stop();
    }
  });

  const redisOnly = PROFILE.redisUrl ? it : it.skip;
  // Runs in the production-profile pass of .ci/run (TEST_REDIS_URL); the embedded profile has no Redis by design.
  redisOnly('shares counters between two gateway instances through Redis', async () => {
    const storage = createStorage();
    const env = { RATE_LIMIT_STANDARD: '6' };
    const a = await startGateway({ storage, env });
    const b = await startGateway({ storage, env });
    try {
      const results = [];
      for (let i = 0; i < 4; i++) {
        results.push((await a.api.get('/v1/customers')).status);
        results.push((await b.api.get('/v1/customers')).status);
      }
      expect(results).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
      expect((await b.api.get('/v1/customers')).headers.get('x-ratelimit-remaining')).toBe('0');
    } finally {
      await a.stop();
      await b.stop();
      await storage.drop();
    }
  });
});
