import { type Gateway, startGateway } from './helpers/gateway.js';
import { createCustomer, createOrder } from './helpers/factories.js';

/** The list grammar of SPEC §3, through real HTTP, on customers and orders. */
describe('list query grammar', () => {
  let gw: Gateway;
  const customers: any[] = [];
  const orders: any[] = [];

  beforeAll(async () => {
    gw = await startGateway();
    const seed = [
      {
        name: '示例科技有限公司',
        industry: '互联网',
        status: 'active',
        contact: { name: '张经理', phone: '13800138000' },
      },
      { name: '华东金融集团', industry: '金融', status: 'active', contact: { email: 'cfo@huadong.example' } },
      { name: 'Acme Robotics', industry: '制造', status: 'prospect', contact: { name: 'Wile E. Coyote' } },
      { name: '北方科技', industry: '互联网', status: 'inactive' },
      { name: '100% Discount_Shop', industry: '零售', status: 'prospect' },
    ];
    for (const body of seed) customers.push(await createCustomer(gw.api, body));
    const prices = [1000, 2500, 9999, 10000, 50000];
    for (const [i, price] of prices.entries()) {
      orders.push(
        await createOrder(gw.api, customers[i % 2]!.id, {
          items: [{ sku: `S${i}`, name: 'item', quantity: 1, unitPrice: price }],
        }),
      );
    }
    await gw.api.post(`/v1/orders/${orders[0].id}/pay`);
  });
  afterAll(() => gw.stop());

  const names = (res: any) => res.body.data.items.map((c: any) => c.name).sort();
  const amounts = (res: any) => res.body.data.items.map((o: any) => o.amount).sort((a: number, b: number) => a - b);

  describe('filters', () => {
    it('equals', async () => {
      expect(names(await gw.api.get('/v1/customers?status=prospect'))).toEqual(['100% Discount_Shop', 'Acme Robotics']);
    });

    it('ne', async () => {
      const res = await gw.api.get('/v1/customers?status[ne]=active');
      expect(names(res)).toEqual(['100% Discount_Shop', 'Acme Robotics', '北方科技']);
    });

    it('gt / gte / lt / lte on numbers', async () => {
      expect(amounts(await gw.api.get('/v1/orders?amount[gt]=9999'))).toEqual([10000, 50000]);
      expect(amounts(await gw.api.get('/v1/orders?amount[gte]=9999'))).toEqual([9999, 10000, 50000]);
      expect(amounts(await gw.api.get('/v1/orders?amount[lt]=2500'))).toEqual([1000]);
      expect(amounts(await gw.api.get('/v1/orders?amount[lte]=10000&amount[gt]=1000'))).toEqual([2500, 9999, 10000]);
    });

    it('gt / lt on dates, seed style (createdAt[gt]=2024-01-01)', async () => {
      expect((await gw.api.get('/v1/customers?createdAt[gt]=2024-01-01')).body.data.pagination.total).toBe(5);
      expect((await gw.api.get('/v1/customers?createdAt[lt]=2024-01-01')).body.data.pagination.total).toBe(0);
      const third = customers[2];
      const after = await gw.api.get(`/v1/customers?createdAt[gt]=${encodeURIComponent(third.createdAt)}`);
      expect(after.body.data.items.every((c: any) => c.createdAt > third.createdAt)).toBe(true);
    });

    it('in (seed: industry[in]=互联网,金融)', async () => {
      const res = await gw.api.get(`/v1/customers?industry[in]=${encodeURIComponent('互联网,金融')}`);
      expect(names(res)).toEqual(['北方科技', '华东金融集团', '示例科技有限公司'].sort());
      const statuses = await gw.api.get('/v1/orders?status[in]=paid,cancelled');
      expect(statuses.body.data.items.map((o: any) => o.id)).toEqual([orders[0].id]);
    });

    it('like (seed: name[like]=科技), case-insensitive, with % and _ taken literally', async () => {
      expect(names(await gw.api.get(`/v1/customers?name[like]=${encodeURIComponent('科技')}`))).toEqual(
        ['北方科技', '示例科技有限公司'].sort(),
      );
      expect(names(await gw.api.get('/v1/customers?name[like]=acme'))).toEqual(['Acme Robotics']);
      expect(names(await gw.api.get(`/v1/customers?name[like]=${encodeURIComponent('100%')}`))).toEqual([
        '100% Discount_Shop',
      ]);
      expect(names(await gw.api.get(`/v1/customers?name[like]=${encodeURIComponent('%')}`))).toEqual([
        '100% Discount_Shop',
      ]);
      expect(names(await gw.api.get(`/v1/customers?name[like]=${encodeURIComponent('t_S')}`))).toEqual([
        '100% Discount_Shop',
      ]);
    });

    it('combines filters with AND', async () => {
      const res = await gw.api.get(`/v1/customers?industry=${encodeURIComponent('互联网')}&status=active`);
      expect(names(res)).toEqual(['示例科技有限公司']);
    });

    it('filters orders by customer and status', async () => {
      const res = await gw.api.get(`/v1/orders?customerId=${customers[0].id}&status=created`);
      expect(res.body.data.items.map((o: any) => o.id).sort()).toEqual([orders[2].id, orders[4].id].sort());
    });
  });

  describe('search', () => {
    it('matches Chinese text across name, industry and contact fields', async () => {
      expect(names(await gw.api.get(`/v1/customers?search=${encodeURIComponent('科技')}`))).toEqual(
        ['北方科技', '示例科技有限公司'].sort(),
      );
      expect(names(await gw.api.get(`/v1/customers?search=${encodeURIComponent('张经理')}`))).toEqual([
        '示例科技有限公司',
      ]);
      expect(names(await gw.api.get(`/v1/customers?search=${encodeURIComponent('金融')}`))).toEqual(['华东金融集团']);
      expect(names(await gw.api.get('/v1/customers?search=13800138'))).toEqual(['示例科技有限公司']);
      expect(names(await gw.api.get('/v1/customers?search=HUADONG'))).toEqual(['华东金融集团']);
      expect(names(await gw.api.get('/v1/customers?search=coyote'))).toEqual(['Acme Robotics']);
      expect((await gw.api.get(`/v1/customers?search=${encodeURIComponent('不存在')}`)).body.data.items).toEqual([]);
    });

    it('treats quotes and SQL as plain text', async () => {
      const res = await gw.api.get(`/v1/customers?search=${encodeURIComponent("' OR 1=1 --")}`);
      expect(res.status).toBe(200);
      expect(res.body.data.items).toEqual([]);
    });
  });

  describe('sort, fields', () => {
    it('sorts by a whitelisted field in both directions', async () => {
      const asc = await gw.api.get('/v1/orders?sort=amount&order=asc');
      expect(asc.body.data.items.map((o: any) => o.amount)).toEqual([1000, 2500, 9999, 10000, 50000]);
      const desc = await gw.api.get('/v1/orders?sort=amount');
      expect(desc.body.data.items.map((o: any) => o.amount)).toEqual([50000, 10000, 9999, 2500, 1000]);
      const byDate = await gw.api.get('/v1/customers?order=asc');
      expect(byDate.body.data.items.map((c: any) => c.id)).toEqual(customers.map((c) => c.id));
    });

    it('refuses sorting on a field that is not whitelisted with 40001', async () => {
      const res = await gw.api.get('/v1/customers?sort=contact');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(40001);
      expect(res.body.errors[0].field).toBe('sort');
    });

    it('returns only the requested fields', async () => {
      const res = await gw.api.get('/v1/customers?fields=id,name,status');
      for (const item of res.body.data.items) expect(Object.keys(item).sort()).toEqual(['id', 'name', 'status']);
      const unknown = await gw.api.get('/v1/customers?fields=id,passwordHash');
      expect(unknown.body.code).toBe(40001);
    });
  });

  describe('offset pagination', () => {
    it('pages with page/pageSize and reports total and totalPages', async () => {
      const first = await gw.api.get('/v1/customers?page=1&pageSize=2&order=asc');
      expect(first.body.data.pagination).toEqual({ page: 1, pageSize: 2, total: 5, totalPages: 3 });
      const third = await gw.api.get('/v1/customers?page=3&pageSize=2&order=asc');
      expect(third.body.data.items.map((c: any) => c.id)).toEqual([customers[4].id]);
      const beyond = await gw.api.get('/v1/customers?page=9&pageSize=2');
      expect(beyond.body.data.items).toEqual([]);
    });

    it('refuses pageSize 101 (40001) and a non-integer page (40002)', async () => {
      const big = await gw.api.get('/v1/customers?pageSize=101');
      expect(big.status).toBe(400);
      expect(big.body.code).toBe(40001);
      const text = await gw.api.get('/v1/customers?page=first');
      expect(text.status).toBe(400);
      expect(text.body.code).toBe(40002);
    });
  });

  describe('type and name errors', () => {
    it.each([
      ['/v1/customers?createdAt[gt]=yesterday', 40002],
      ['/v1/orders?amount[gt]=lots', 40002],
      ['/v1/customers?limit=2&cursor=%%%bad', 40002],
      ['/v1/customers?limit=2&cursor=eyJpZCI6MTAwfQ', 40002],
      ['/v1/customers?nickname=x', 40001],
      ['/v1/customers?name[regex]=x', 40001],
      ['/v1/customers?status[like]=act', 40001],
      ['/v1/customers?status=deleted', 40001],
      ['/v1/customers?order=sideways', 40001],
      ['/v1/customers?page=2&limit=5', 40001],
      ['/v1/customers?limit=0', 40001],
    ])('%s → %d', async (path, code) => {
      const res = await gw.api.get(path);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(code);
      expect(res.body.errors.length).toBeGreaterThan(0);
    });
  });

  describe('cursor pagination', () => {
    it('walks every row exactly once, with the seed shape', async () => {
      const first = await gw.api.get('/v1/customers?limit=2');
      expect(Object.keys(first.body).sort()).toEqual(['code', 'cursor', 'data', 'message']);
      expect(first.body.data).toEqual({ items: expect.any(Array) });
      expect(first.body.cursor).toEqual({ next: expect.stringMatching(/^[A-Za-z0-9_-]+$/), hasMore: true });
      const seen = await walk('/v1/customers?limit=2');
      expect(seen).toEqual([...customers].reverse().map((c) => c.id));
    });

    it('works with sort, filters and nullable sort fields', async () => {
      expect(await walk('/v1/orders?limit=2&sort=amount&order=asc', (o) => o.amount)).toEqual([
        1000, 2500, 9999, 10000, 50000,
      ]);
      const byPaidAt = await walk('/v1/orders?limit=1&sort=paidAt&order=desc');
      expect(byPaidAt[0]).toBe(orders[0].id); // the only paid order first, then the NULLs
      expect(new Set(byPaidAt).size).toBe(5);
      expect(await walk('/v1/customers?limit=1&status=prospect', (c) => c.name)).toEqual([
        '100% Discount_Shop',
        'Acme Robotics',
      ]);
    });

    it('stays stable while rows are inserted concurrently', async () => {
      const own = await startGateway();
      try {
        const original: string[] = [];
        for (let i = 0; i < 12; i++) original.push((await createCustomer(own.api, { name: `stable ${i}` })).id);
        for (const order of ['asc', 'desc'] as const) {
          const seen: string[] = [];
          let cursor: string | null = null;
          do {
            const [page]: any[] = await Promise.all([
              own.api.get(`/v1/customers?limit=5&order=${order}${cursor ? `&cursor=${cursor}` : ''}`),
              createCustomer(own.api, { name: 'inserted meanwhile' }),
              createCustomer(own.api, { name: 'inserted meanwhile' }),
            ]);
            seen.push(...page.body.data.items.map((c: any) => c.id));
            cursor = page.body.cursor.next;
          } while (cursor && seen.length < 200);
          const originalsSeen = seen.filter((id) => original.includes(id));
          expect(originalsSeen).toEqual(order === 'asc' ? original : [...original].reverse());
          expect(new Set(seen).size).toBe(seen.length);
        }
      } finally {
        await own.stop();
      }
    });

    it('refuses a cursor used with another sort', async () => {
      const first = await gw.api.get('/v1/orders?limit=2&sort=amount');
      const res = await gw.api.get(`/v1/orders?limit=2&sort=createdAt&cursor=${first.body.cursor.next}`);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(40001);
    });
  });

  async function walk(path: string, pick: (item: any) => unknown = (i) => i.id): Promise<unknown[]> {
    const seen: unknown[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 50; guard++) {
      const res: any = await gw.api.get(`${path}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.items.map(pick));
      cursor = res.body.cursor.next;
      expect(res.body.cursor.hasMore).toBe(cursor !== null);
      if (!cursor) return seen;
    }
    throw new Error('cursor never ended');
  }
});
