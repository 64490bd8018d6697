import { type Gateway, startGateway } from './helpers/gateway.js';
import { createCustomer, createOrder } from './helpers/factories.js';

describe('CRM: customers and orders', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.stop());

  describe('customers', () => {
    it('creates the seed example and stores every field', async () => {
      const res = await gw.api.post('/v1/customers', {
        name: '示例科技有限公司',
        industry: '互联网',
        contact: { name: '张经理', phone: '13800138000' },
        tags: ['vip', 'iot', 'vip'],
      });
      expect(res.status).toBe(201);
      expect(res.body.data).toEqual({
        id: expect.stringMatching(/^cust_/),
        name: '示例科技有限公司',
        industry: '互联网',
        status: 'active',
        contact: { name: '张经理', phone: '13800138000', email: null },
        tags: ['vip', 'iot'],
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect((await gw.api.get(`/v1/customers/${res.body.data.id}`)).body.data).toEqual(res.body.data);
    });

    it('PUT replaces the whole customer; PATCH changes only what is given and merges contact', async () => {
      const c = await createCustomer(gw.api, {
        industry: '金融',
        contact: { name: '李', phone: '13900000000' },
        tags: ['a'],
      });
      const patched = await gw.api.patch(`/v1/customers/${c.id}`, {
        contact: { email: 'li@example.com' },
        status: 'inactive',
      });
      expect(patched.status).toBe(200);
      expect(patched.body.data).toMatchObject({
        industry: '金融',
        status: 'inactive',
        tags: ['a'],
        contact: { name: '李', phone: '13900000000', email: 'li@example.com' },
      });
      expect(patched.body.data.updatedAt >= c.updatedAt).toBe(true);
      const cleared = await gw.api.patch(`/v1/customers/${c.id}`, { industry: null, contact: { phone: null } });
      expect(cleared.body.data).toMatchObject({
        industry: null,
        contact: { name: '李', phone: null, email: 'li@example.com' },
      });
      const replaced = await gw.api.put(`/v1/customers/${c.id}`, { name: 'Replaced' });
      expect(replaced.status).toBe(200);
      expect(replaced.body.data).toMatchObject({
        name: 'Replaced',
        industry: null,
        status: 'active',
        tags: [],
        contact: { name: null, phone: null, email: null },
      });
      const invalidPut = await gw.api.put(`/v1/customers/${c.id}`, { industry: 'no name' });
      expect(invalidPut.body.code).toBe(40001);
      expect((await gw.api.put('/v1/customers/cust_00000000000000000000000000', { name: 'x' })).status).toBe(404);
    });

    it('validates contact fields and status', async () => {
      const res = await gw.api.post(
        '/v1/customers',
        { name: 'x', status: 'deleted', contact: { email: 'nope', phone: 'call me' }, tags: 'vip' },
        { 'Accept-Language': 'en-US' },
      );
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: any) => e.field).sort()).toEqual([
        'contact.email',
        'contact.phone',
        'status',
        'tags',
      ]);
    });

    it('batch-creates up to 100, all or nothing, with per-item errors', async () => {
      const before = (await gw.api.get('/v1/customers')).body.data.pagination.total;
      const bad = await gw.api.post('/v1/customers/batch', {
        items: [{ name: 'Batch OK 1' }, { name: '' }, { name: 'Batch OK 2' }, { nme: 'typo' }],
      });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe(40001);
      expect(bad.body.errors.map((e: any) => e.field).sort()).toEqual([
        'items[1].name',
        'items[3].name',
        'items[3].nme',
      ]);
      expect((await gw.api.get('/v1/customers')).body.data.pagination.total).toBe(before);

      const good = await gw.api.post('/v1/customers/batch', {
        items: [{ name: 'Batch 1' }, { name: 'Batch 2', industry: '能源' }],
      });
      expect(good.status).toBe(201);
      expect(good.body.data.items.map((c: any) => c.name)).toEqual(['Batch 1', 'Batch 2']);
      expect((await gw.api.get('/v1/customers')).body.data.pagination.total).toBe(before + 2);

      const tooMany = await gw.api.post('/v1/customers/batch', {
        items: Array.from({ length: 101 }, (_, i) => ({ name: `n${i}` })),
      });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.errors[0].field).toBe('items');
      const empty = await gw.api.post('/v1/customers/batch', { items: [] });
      expect(empty.status).toBe(400);
    });

    it('imports CSV: good rows kept, bad rows reported by line, with the batch header budget', async () => {
      const csv = [
        'name,industry,status,contact_name,contact_phone,contact_email,tags',
        '导入科技,互联网,active,王五,13700000000,wang@example.com,vip;iot',
        ',制造,active,,,,',
        '"Quoted, Inc.",零售,prospect,,,,',
        'Bad Status,零售,deleted,,,not-an-email,',
        '第五行公司,,,,,,',
      ].join('\n');
      const form = new FormData();
      form.append('file', new Blob([`\ufeff${csv}`], { type: 'text/csv' }), 'customers.csv');
      const res = await gw.api.post('/v1/customers/import', form, { 'Accept-Language': 'en-US' });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('60');
      expect(res.body.data).toMatchObject({ total: 5, created: 3, failed: 2 });
      expect(res.body.data.errors).toEqual([
        { row: 3, errors: [{ field: 'name', message: 'is required' }] },
        {
          row: 5,
          errors: expect.arrayContaining([
            expect.objectContaining({ field: 'status' }),
            { field: 'contact.email', message: 'is not a valid email address' },
          ]),
        },
      ]);
      const imported = await gw.api.get(`/v1/customers/${res.body.data.ids[0]}`);
      expect(imported.body.data).toMatchObject({
        name: '导入科技',
        contact: { name: '王五', phone: '13700000000', email: 'wang@example.com' },
        tags: ['vip', 'iot'],
      });
      const quoted = await gw.api.get(`/v1/customers/${res.body.data.ids[1]}`);
      expect(quoted.body.data.name).toBe('Quoted, Inc.');
    });

    it('refuses a CSV with unknown columns, without a file, or unparseable', async () => {
      const unknown = new FormData();
      unknown.append('file', new Blob(['name,fax\nA,123\n']), 'c.csv');
      const res = await gw.api.post('/v1/customers/import', unknown);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('file');
      const none = await gw.api.post('/v1/customers/import', new FormData());
      expect(none.status).toBe(400);
      const broken = new FormData();
      broken.append('file', new Blob(['name,industry\n"unterminated,x\n']), 'c.csv');
      expect((await gw.api.post('/v1/customers/import', broken)).body.code).toBe(40001);
      const json = await gw.api.post('/v1/customers/import', { name: 'x' });
      expect(json.status).toBeGreaterThanOrEqual(400);
      expect(json.body.code).toBe(40001);
    });

    it('will not delete a customer that has orders (42201)', async () => {
      const c = await createCustomer(gw.api);
      await createOrder(gw.api, c.id);
      const res = await gw.api.delete(`/v1/customers/${c.id}`);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe(42201);
    });

    it('records customer.created, customer.updated and customer.deleted events', async () => {
      const c = await createCustomer(gw.api, { name: 'Evented' });
      await gw.api.patch(`/v1/customers/${c.id}`, { name: 'Evented 2' });
      await gw.api.delete(`/v1/customers/${c.id}`);
      const events = (await gw.api.get('/v1/events?pageSize=100')).body.data.items.filter(
        (e: any) => e.data.customer?.id === c.id,
      );
      expect(events.map((e: any) => e.type).reverse()).toEqual([
        'customer.created',
        'customer.updated',
        'customer.deleted',
      ]);
      expect(events[0]).toMatchObject({
        id: expect.stringMatching(/^evt_/),
        data: { customer: { name: 'Evented 2' } },
      });
      const filtered = await gw.api.get('/v1/events?type=customer.deleted');
      expect(filtered.body.data.items.every((e: any) => e.type === 'customer.deleted')).toBe(true);
    });
  });

  describe('orders', () => {
    it('computes the amount from the items and never accepts one from the client', async () => {
      const c = await createCustomer(gw.api);
      const res = await gw.api.post('/v1/orders', {
        customerId: c.id,
        items: [
          { sku: 'LAMP', name: '智能灯泡', quantity: 3, unitPrice: 1999 },
          { sku: 'HUB', name: '网关', quantity: 1, unitPrice: 29900 },
        ],
      });
      expect(res.status).toBe(201);
      expect(res.body.data).toMatchObject({
        amount: 3 * 1999 + 29900,
        currency: 'CNY',
        status: 'created',
        paidAt: null,
      });
      const withAmount = await gw.api.post('/v1/orders', { customerId: c.id, items: res.body.data.items, amount: 1 });
      expect(withAmount.status).toBe(400);
      expect(withAmount.body.errors).toEqual([{ field: 'amount', message: expect.any(String) }]);
    });

    it('validates items and the customer', async () => {
      const c = await createCustomer(gw.api);
      const bad = await gw.api.post('/v1/orders', {
        customerId: c.id,
        items: [{ sku: 'x', name: 'y', quantity: 0, unitPrice: 1.5 }],
        currency: 'yuan',
      });
      expect(bad.body.errors.map((e: any) => e.field).sort()).toEqual([
        'currency',
        'items[0].quantity',
        'items[0].unitPrice',
      ]);
      const empty = await gw.api.post('/v1/orders', { customerId: c.id, items: [] });
      expect(empty.body.code).toBe(40001);
      const ghost = await gw.api.post('/v1/orders', {
        customerId: 'cust_00000000000000000000000000',
        items: [{ sku: 'a', name: 'b', quantity: 1, unitPrice: 1 }],
      });
      expect(ghost.status).toBe(422);
      expect(ghost.body).toMatchObject({ code: 42201, errors: [{ field: 'customerId' }] });
    });

    it('pays once: a second payment is 42201, and a paid order can neither change, be cancelled nor deleted', async () => {
      const o = await createOrder(gw.api, (await createCustomer(gw.api)).id);
      const paid = await gw.api.post(`/v1/orders/${o.id}/pay`);
      expect(paid.status).toBe(200);
      expect(paid.body.data).toMatchObject({ status: 'paid', paidAt: expect.any(String) });
      const again = await gw.api.post(`/v1/orders/${o.id}/pay`, undefined, { 'Accept-Language': 'en-US' });
      expect(again.status).toBe(422);
      expect(again.body).toMatchObject({ code: 42201, message: 'the order is already paid' });
      expect((await gw.api.post(`/v1/orders/${o.id}/cancel`)).body.code).toBe(42201);
      expect((await gw.api.patch(`/v1/orders/${o.id}`, { currency: 'USD' })).body.code).toBe(42201);
      expect((await gw.api.delete(`/v1/orders/${o.id}`)).body.code).toBe(42201);
    });

    it('lets exactly one of concurrent payments succeed', async () => {
      const o = await createOrder(gw.api, (await createCustomer(gw.api)).id);
      const results = await Promise.all(Array.from({ length: 8 }, () => gw.api.post(`/v1/orders/${o.id}/pay`)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 422)).toHaveLength(7);
    });

    it('cancels, then refuses to pay a cancelled order', async () => {
      const o = await createOrder(gw.api, (await createCustomer(gw.api)).id);
      const cancelled = await gw.api.post(`/v1/orders/${o.id}/cancel`, {});
      expect(cancelled.body.data).toMatchObject({ status: 'cancelled', cancelledAt: expect.any(String) });
      const pay = await gw.api.post(`/v1/orders/${o.id}/pay`);
      expect(pay.status).toBe(422);
      expect(pay.body.code).toBe(42201);
      expect((await gw.api.post(`/v1/orders/${o.id}/pay`, { force: true })).body.code).toBe(40001);
    });

    it('patches a created order and recomputes the amount; deletes it', async () => {
      const o = await createOrder(gw.api, (await createCustomer(gw.api)).id);
      const patched = await gw.api.patch(`/v1/orders/${o.id}`, {
        items: [{ sku: 'A', name: 'A', quantity: 4, unitPrice: 250 }],
        currency: 'USD',
      });
      expect(patched.body.data).toMatchObject({ amount: 1000, currency: 'USD' });
      expect((await gw.api.delete(`/v1/orders/${o.id}`)).status).toBe(204);
      expect((await gw.api.get(`/v1/orders/${o.id}`)).status).toBe(404);
    });

    it('records order.created, order.paid and order.cancelled events', async () => {
      const c = await createCustomer(gw.api);
      const a = await createOrder(gw.api, c.id);
      const b = await createOrder(gw.api, c.id);
      await gw.api.post(`/v1/orders/${a.id}/pay`);
      await gw.api.post(`/v1/orders/${b.id}/cancel`);
      const events = (await gw.api.get('/v1/events?pageSize=100&order=asc')).body.data.items.filter((e: any) =>
        [a.id, b.id].includes(e.data.order?.id),
      );
      expect(events.map((e: any) => `${e.type}:${e.data.order.id === a.id ? 'a' : 'b'}`)).toEqual([
        'order.created:a',
        'order.created:b',
        'order.paid:a',
        'order.cancelled:b',
      ]);
      expect(events[2].data.order).toMatchObject({ status: 'paid', amount: a.amount });
    });
  });
});
