import { type Gateway, startGateway } from './helpers/gateway.js';

describe('smoke', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.stop());

  it('lists customers', async () => {
    const res = await gw.api.get('/v1/customers');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      code: 0,
      message: 'success',
      data: { items: [], pagination: { page: 1, pageSize: 20, total: 0, totalPages: 0 } },
    });
  });
});
