import { createStorage, type Gateway, startGateway, type Storage } from './helpers/gateway.js';
import { sql } from './helpers/db.js';
import { createCustomer, eventually } from './helpers/factories.js';

/** The seed's REST conventions, shared by every resource: envelope, errors, request ids, languages, limits. */
describe('REST conventions', () => {
  let gw: Gateway;
  let storage: Storage;

  beforeAll(async () => {
    storage = createStorage();
    gw = await startGateway({ storage, env: { LOG_LEVEL: 'info' } });
  });
  afterAll(async () => {
    await gw.stop();
    await storage.drop();
  });

  describe('envelope and status codes', () => {
    it('wraps a created resource in {code: 0, message: "success", data} with 201', async () => {
      const res = await gw.api.post('/v1/customers', { name: '示例科技有限公司', industry: '互联网' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        code: 0,
        message: 'success',
        data: expect.objectContaining({ name: '示例科技有限公司' }),
      });
      expect(res.body.data.id).toMatch(/^cust_[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(res.body.data.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    });

    it('answers 200 on read and update, 204 with no body on delete', async () => {
      const customer = await createCustomer(gw.api);
      expect((await gw.api.get(`/v1/customers/${customer.id}`)).status).toBe(200);
      expect((await gw.api.patch(`/v1/customers/${customer.id}`, { status: 'inactive' })).status).toBe(200);
      const deleted = await gw.api.delete(`/v1/customers/${customer.id}`);
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');
      const gone = await gw.api.get(`/v1/customers/${customer.id}`);
      expect(gone.status).toBe(404);
      expect(gone.body.code).toBe(40401);
    });

    it('treats a malformed id in the path as simply not found', async () => {
      const res = await gw.api.get('/v1/customers/../../etc/passwd');
      expect(res.status).toBe(404);
      expect((await gw.api.get('/v1/customers/not-an-id')).body.code).toBe(40401);
      expect((await gw.api.get("/v1/customers/cust_' OR 1=1 --")).body.code).toBe(40401);
    });
  });

  describe('errors', () => {
    it('answers unknown routes with 404 40401, inside and outside /v1', async () => {
      for (const path of ['/v1/nothing-here', '/nothing-here', '/v2/customers']) {
        const res = await gw.api.get(path);
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ code: 40401, requestId: expect.any(String) });
      }
      const wrongMethod = await gw.api.request('PUT', '/v1/orders');
      expect(wrongMethod.status).toBe(404);
      expect(wrongMethod.body.code).toBe(40401);
    });

    it('rejects unknown body fields with 40001 and names each one (nothing is silently dropped)', async () => {
      const res = await gw.api.post('/v1/customers', { name: 'A', nickname: 'x', contact: { name: 'B', wechat: 'y' } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(40001);
      expect(res.body.errors.map((e: any) => e.field).sort()).toEqual(['contact.wechat', 'nickname']);
    });

    it('reports every field at fault with the seed body shape', async () => {
      const res = await gw.api.post('/v1/users', { email: 'not-an-email', name: '', role: 'owner' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        code: 40001,
        message: '参数验证失败',
        errors: expect.arrayContaining([
          { field: 'email', message: '邮箱格式不正确' },
          { field: 'password', message: '不能为空' },
          expect.objectContaining({ field: 'name' }),
          expect.objectContaining({ field: 'role' }),
        ]),
        requestId: expect.stringMatching(/^req_/),
      });
    });

    it('refuses a body that is not JSON, not an object, or missing', async () => {
      const bad = await gw.api.post('/v1/customers', '{"name": ', { 'Content-Type': 'application/json' });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe(40001);
      const array = await gw.api.post('/v1/customers', [{ name: 'x' }]);
      expect(array.status).toBe(400);
      expect(array.body.code).toBe(40001);
      const none = await gw.api.post('/v1/customers');
      expect(none.status).toBe(400);
      expect(none.body.code).toBe(40001);
    });

    it('refuses bodies over 1 MiB with 413 and code 40001', async () => {
      const res = await gw.api.post('/v1/customers', { name: 'x', industry: 'y'.repeat(1024 * 1024) });
      expect(res.status).toBe(413);
      expect(res.body.code).toBe(40001);
    });

    it('refuses other content types with 415 and code 40001', async () => {
      const res = await gw.api.post('/v1/customers', 'name=x', { 'Content-Type': 'text/plain' });
      expect(res.status).toBe(415);
      expect(res.body.code).toBe(40001);
    });

    it('keeps internals out of a 500 body and rolls the change back', async () => {
      // break the event log under the running gateway: every customer change then fails inside its transaction
      await sql(storage, 'ALTER TABLE events RENAME TO events_broken');
      try {
        const before = (await gw.api.get('/v1/customers')).body.data.pagination.total;
        const res = await gw.api.post('/v1/customers', { name: 'Rolled back' });
        expect(res.status).toBe(500);
        expect(Object.keys(res.body).sort()).toEqual(['code', 'message', 'requestId']);
        expect(res.body.code).toBe(50001);
        expect(res.text).not.toMatch(/events|SQL|sqlite|relation|at \w+ \(|\.ts:|\.js:/i);
        expect((await gw.api.get('/v1/customers')).body.data.pagination.total).toBe(before);
        // …and the details went to the log, with the request id
        await eventually(async () => gw.output().includes(res.body.requestId), 10_000, 'the error in the log');
      } finally {
        await sql(storage, 'ALTER TABLE events_broken RENAME TO events');
      }
    });
  });

  describe('X-Request-ID', () => {
    it('echoes a given id in the header, the error body and the log lines of the request', async () => {
      const res = await gw.api.get('/v1/customers/cust_00000000000000000000000000', {
        'X-Request-ID': 'trace-abc-123',
      });
      expect(res.headers.get('x-request-id')).toBe('trace-abc-123');
      expect(res.body.requestId).toBe('trace-abc-123');
      // the access log line is written when the response has finished
      const line = await eventually(async () =>
        gw
          .output()
          .split('\n')
          .find((l) => l.includes('trace-abc-123')),
      );
      expect(JSON.parse(line)).toMatchObject({
        requestId: 'trace-abc-123',
        req: { url: expect.stringMatching(/^\/v1\/customers\//) },
      });
    });

    it('generates req_… when absent or unusable', async () => {
      const res = await gw.api.get('/v1/customers');
      expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9A-Z]{26}$/);
      const odd = await gw.api.get('/v1/customers', { 'X-Request-ID': 'x'.repeat(500) });
      expect(odd.headers.get('x-request-id')).toMatch(/^req_/);
    });
  });

  describe('Accept-Language', () => {
    it('answers in zh-CN by default and en-US on request, validation messages included', async () => {
      const zh = await gw.api.post('/v1/customers', {});
      expect(zh.body.message).toBe('参数验证失败');
      expect(zh.body.errors).toEqual([{ field: 'name', message: '不能为空' }]);
      const en = await gw.api.post('/v1/customers', {}, { 'Accept-Language': 'en-US,en;q=0.9' });
      expect(en.body.message).toBe('Validation failed');
      expect(en.body.errors).toEqual([{ field: 'name', message: 'is required' }]);
      const enNotFound = await gw.api.get('/v1/customers/cust_00000000000000000000000000', { 'Accept-Language': 'en' });
      expect(enNotFound.body.message).toBe('Resource not found');
      const zhNotFound = await gw.api.get('/v1/customers/cust_00000000000000000000000000');
      expect(zhNotFound.body.message).toBe('资源不存在');
    });

    it('localizes zod-generated messages too', async () => {
      const zh = await gw.api.post('/v1/customers', { name: 123 });
      const en = await gw.api.post('/v1/customers', { name: 123 }, { 'Accept-Language': 'en-US' });
      expect(zh.body.errors[0].field).toBe('name');
      expect(zh.body.errors[0].message).toMatch(/[\u4e00-\u9fff]/);
      expect(en.body.errors[0].message).toMatch(/expected string/i);
    });

    it('keeps success messages as "success"', async () => {
      const res = await gw.api.get('/v1/customers', { 'Accept-Language': 'zh-CN' });
      expect(res.body.message).toBe('success');
    });
  });

  describe('authentication', () => {
    it('answers 401 40101 without a token, with an unknown token and with a key in the query string', async () => {
      const anonymous = gw.api.as(undefined);
      const none = await anonymous.get('/v1/customers');
      expect(none.status).toBe(401);
      expect(none.body.code).toBe(40101);
      const unknown = await gw.api.as('ak_01HZZZZZZZZZZZZZZZZZZZZZZZ_abcdefghijklmnopqrstuvwxyz').get('/v1/customers');
      expect(unknown.status).toBe(401);
      expect(unknown.body.code).toBe(40101);
      const garbage = await gw.api.as('garbage').get('/v1/customers');
      expect(garbage.body.code).toBe(40101);
      const inQuery = await anonymous.get(`/v1/customers?api_key=${gw.api.token}`);
      expect(inQuery.status).toBe(401);
      expect(inQuery.body.code).toBe(40101);
      const both = await gw.api.get(`/v1/customers?access_token=${gw.api.token}`);
      expect(both.status).toBe(401);
    });

    it('leaves ops endpoints open', async () => {
      const anonymous = gw.api.as(undefined);
      expect((await anonymous.get('/health/live')).status).toBe(200);
      expect((await anonymous.get('/health/ready')).body.status).toBe('ok');
      const metrics = await anonymous.get('/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.text).toContain('http_request_duration_seconds_bucket');
      const openapi = await anonymous.get('/openapi.json');
      expect(openapi.body.openapi).toMatch(/^3\./);
      expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/v1/customers', '/v1/orders/{id}/pay']));
      const docs = await anonymous.get('/docs');
      expect(docs.status).toBe(200);
      expect(docs.text).toContain('swagger');
    });
  });

  describe('rate-limit headers', () => {
    it('are on every /v1 response, errors included', async () => {
      for (const res of [
        await gw.api.get('/v1/customers'),
        await gw.api.get('/v1/customers/x'),
        await gw.api.as(undefined).get('/v1/orders'),
      ]) {
        expect(Number(res.headers.get('x-ratelimit-limit'))).toBe(1000);
        expect(Number(res.headers.get('x-ratelimit-remaining'))).toBeGreaterThanOrEqual(0);
        const reset = Number(res.headers.get('x-ratelimit-reset'));
        expect(reset).toBeGreaterThan(Date.now() / 1000 - 1);
        expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 61);
      }
    });
  });
});
