import { createDevice, deviceEvents } from './helpers/devices.js';
import { type Gateway, startGateway } from './helpers/gateway.js';

describe('device registry (REST)', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway();
  }, 60_000);
  afterAll(() => gw.stop());

  it('creates a device with a chosen id and returns its credentials once', async () => {
    const res = await gw.api.post('/v1/iot/devices', {
      id: 'sensor-001',
      name: 'Boiler room sensor',
      type: 'thermometer',
      metadata: { floor: 2, vendor: 'acme' },
    });
    expect(res.status).toBe(201);
    const device = res.body.data;
    expect(device).toMatchObject({
      id: 'sensor-001',
      name: 'Boiler room sensor',
      type: 'thermometer',
      customerId: null,
      metadata: { floor: 2, vendor: 'acme' },
      disabled: false,
      status: 'offline',
      alertState: 'normal',
      connectedAt: null,
      disconnectedAt: null,
      lastSeenAt: null,
      lastDisconnectReason: null,
      telemetry: {},
    });
    expect(device.credentials.username).toBe('sensor-001');
    expect(device.credentials.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(device.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const read = await gw.api.get('/v1/iot/devices/sensor-001');
    expect(read.status).toBe(200);
    expect(read.body.data).not.toHaveProperty('credentials');
    expect(read.text).not.toContain(device.credentials.password);
    expect(read.text).not.toMatch(/tokenHash|token_hash/);

    const [created] = await deviceEvents(gw, 'sensor-001', ['device.created']);
    expect(created.data).toEqual({ device: read.body.data });
  });

  it('generates a dev_ id when none is given', async () => {
    const res = await gw.api.post('/v1/iot/devices', {});
    expect(res.status).toBe(201);
    expect(res.body.data.id).toMatch(/^dev_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(res.body.data.name).toBeNull();
    expect(res.body.data.credentials.username).toBe(res.body.data.id);
  });

  it('refuses a duplicate id with 409', async () => {
    await createDevice(gw, { id: 'dup-1' });
    const res = await gw.api.post('/v1/iot/devices', { id: 'dup-1' }, { 'Accept-Language': 'en-US' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe(40901);
    expect(res.body.errors).toEqual([{ field: 'id', message: 'a device with this id already exists' }]);
  });

  it.each([
    [{ id: 'has space' }, 'id'],
    [{ id: '-leading-dash' }, 'id'],
    [{ id: 'x'.repeat(65) }, 'id'],
    [{ id: 'a/b' }, 'id'],
    [{ id: 'a+b' }, 'id'],
    [{ name: '' }, 'name'],
    [{ metadata: 'not an object' }, 'metadata'],
    [{ metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) }, 'metadata'],
    [{ metadata: { blob: 'x'.repeat(17 * 1024) } }, 'metadata'],
    [{ disabled: 'yes' }, 'disabled'],
    [{ status: 'online' }, 'status'],
    [{ token: 'chosen' }, 'token'],
  ])('rejects %j with 40001 on %s', async (body, field) => {
    const res = await gw.api.post('/v1/iot/devices', body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(40001);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('checks customerId', async () => {
    const bad = await gw.api.post('/v1/iot/devices', { customerId: 'cust_01ARZ3NDEKTSV4RRFFQ69G5FAV' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe('customerId');
    const customer = await gw.api.post('/v1/customers', { name: 'Acme' });
    const ok = await gw.api.post('/v1/iot/devices', { customerId: customer.body.data.id });
    expect(ok.status).toBe(201);
    expect(ok.body.data.customerId).toBe(customer.body.data.id);
  });

  it('patches name, type, metadata; null clears; unknown fields are refused', async () => {
    await createDevice(gw, { id: 'patch-1', name: 'Before', type: 'lamp', metadata: { a: 1 } });
    const res = await gw.api.patch('/v1/iot/devices/patch-1', { name: 'After', type: null, metadata: { b: 2 } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ name: 'After', type: null, metadata: { b: 2 } });
    expect(res.body.data.updatedAt >= res.body.data.createdAt).toBe(true);
    const refused = await gw.api.patch('/v1/iot/devices/patch-1', { id: 'other' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ field: 'id', message: expect.any(String) }]);
  });

  it('rotates credentials: a new token, 200', async () => {
    const device = await createDevice(gw, { id: 'rotate-rest' });
    const res = await gw.api.post('/v1/iot/devices/rotate-rest/credentials');
    expect(res.status).toBe(200);
    expect(res.body.data.id).toBe('rotate-rest');
    expect(res.body.data.credentials.username).toBe('rotate-rest');
    expect(res.body.data.credentials.password).not.toBe(device.password);
  });

  it('answers 404 for unknown and malformed ids', async () => {
    for (const path of [
      '/v1/iot/devices/nope',
      '/v1/iot/devices/%2Fetc',
      '/v1/iot/devices/nope/telemetry',
      '/v1/iot/devices/nope/alerts',
    ]) {
      const res = await gw.api.get(path);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe(40401);
    }
    expect((await gw.api.patch('/v1/iot/devices/nope', { name: 'x' })).status).toBe(404);
    expect((await gw.api.delete('/v1/iot/devices/nope')).status).toBe(404);
    expect((await gw.api.post('/v1/iot/devices/nope/credentials')).status).toBe(404);
  });

  it('deletes with 204 and records device.deleted', async () => {
    await createDevice(gw, { id: 'delete-me' });
    const res = await gw.api.delete('/v1/iot/devices/delete-me');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await gw.api.get('/v1/iot/devices/delete-me')).status).toBe(404);
    const events = await deviceEvents(gw, 'delete-me', ['device.created', 'device.deleted']);
    expect(events.map((e) => e.type)).toEqual(['device.created', 'device.deleted']);
    expect(events[1].data.device.id).toBe('delete-me');
  });

  describe('list grammar', () => {
    beforeAll(async () => {
      for (const [id, type, name] of [
        ['list-a', 'lamp', 'Kitchen lamp'],
        ['list-b', 'lamp', 'Hall lamp'],
        ['list-c', 'meter', 'Water meter'],
      ]) {
        await createDevice(gw, { id, type, name });
      }
    });

    it('filters, searches, sorts, projects', async () => {
      const lamps = await gw.api.get('/v1/iot/devices?type=lamp&sort=id&order=asc&fields=id,type');
      expect(lamps.status).toBe(200);
      expect(lamps.body.data.items).toEqual([
        { id: 'list-a', type: 'lamp' },
        { id: 'list-b', type: 'lamp' },
      ]);
      const search = await gw.api.get('/v1/iot/devices?search=WATER&fields=id');
      expect(search.body.data.items).toEqual([{ id: 'list-c' }]);
      const inFilter = await gw.api.get('/v1/iot/devices?id[in]=list-a,list-c&status=offline&alertState=normal');
      expect(inFilter.body.data.items.map((d: { id: string }) => d.id).sort()).toEqual(['list-a', 'list-c']);
      const like = await gw.api.get('/v1/iot/devices?name[like]=lamp&fields=id');
      expect(like.body.data.pagination.total).toBe(2);
    });

    it('pages with offsets and cursors', async () => {
      const page = await gw.api.get('/v1/iot/devices?id[like]=list-&pageSize=2&sort=id&order=asc');
      expect(page.body.data.pagination).toEqual({ page: 1, pageSize: 2, total: 3, totalPages: 2 });
      const first = await gw.api.get('/v1/iot/devices?id[like]=list-&limit=2&sort=id&order=asc&fields=id');
      expect(first.body.data.items).toEqual([{ id: 'list-a' }, { id: 'list-b' }]);
      expect(first.body.cursor.hasMore).toBe(true);
      const second = await gw.api.get(
        `/v1/iot/devices?id[like]=list-&limit=2&sort=id&order=asc&fields=id&cursor=${first.body.cursor.next}`,
      );
      expect(second.body.data.items).toEqual([{ id: 'list-c' }]);
      expect(second.body.cursor).toEqual({ next: null, hasMore: false });
    });

    it('accepts only whitelisted filters and sorts', async () => {
      for (const query of ['disabled=true', 'metadata=x', 'sort=updatedAt', 'status=broken', 'fields=token']) {
        const res = await gw.api.get(`/v1/iot/devices?${query}`);
        expect([query, res.status, res.body.code]).toEqual([query, 400, 40001]);
      }
      const wrongType = await gw.api.get('/v1/iot/devices?lastSeenAt[gt]=yesterday');
      expect(wrongType.status).toBe(400);
      expect(wrongType.body.code).toBe(40002);
      const sortable = await gw.api.get('/v1/iot/devices?sort=lastSeenAt&order=desc');
      expect(sortable.status).toBe(200);
    });
  });

  it('documents the routes in /openapi.json', async () => {
    const res = await gw.api.as(undefined).get('/openapi.json');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/iot/devices',
        '/v1/iot/devices/{id}',
        '/v1/iot/devices/{id}/credentials',
        '/v1/iot/devices/{id}/telemetry',
        '/v1/iot/devices/{id}/alerts',
        '/v1/iot/alerts',
        '/v1/iot/alerts/{id}/acknowledge',
      ]),
    );
  });

  it('requires a principal and the write scope', async () => {
    expect((await gw.api.as(undefined).get('/v1/iot/devices')).status).toBe(401);
    const key = await gw.api.post('/v1/api-keys', { name: 'reader', scopes: ['read'] });
    const reader = gw.api.as(key.body.data.key);
    expect((await reader.get('/v1/iot/devices')).status).toBe(200);
    const refused = await reader.post('/v1/iot/devices', {});
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe(40301);
  });
});
