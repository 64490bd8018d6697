import type { MqttClient } from 'mqtt';
import { connect } from 'node:net';
import {
  connectDevice,
  createDevice,
  endClient,
  getDevice,
  metric,
  publish,
  remainingLength,
  silentDevice,
  type TestDevice,
  type Transport,
  waitFor,
  waitForDevice,
} from './helpers/devices.js';
import { createStorage, type Gateway, startGateway } from './helpers/gateway.js';

async function history(gw: Gateway, deviceId: string, query = ''): Promise<any> {
  const res = await gw.api.get(`/v1/iot/devices/${deviceId}/telemetry${query ? `?${query}` : ''}`);
  if (res.status !== 200) throw new Error(`telemetry: ${res.status} ${res.text}`);
  return res.body;
}

function waitForPoints(gw: Gateway, deviceId: string, total: number): Promise<any> {
  return waitFor(async () => {
    const body = await history(gw, deviceId, 'pageSize=100&order=asc');
    return body.data.pagination.total >= total ? body : undefined;
  }, `${total} telemetry points of ${deviceId}`);
}

describe('telemetry', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway();
  }, 60_000);
  afterAll(() => gw.stop());

  describe('history and latest values', () => {
    let device: TestDevice;
    let client: MqttClient;
    beforeAll(async () => {
      device = await createDevice(gw, { id: 'tele-1' });
      client = await connectDevice(gw, device);
      const messages = [
        { ts: '2024-05-01T10:00:00.000Z', temperature: 20.5, door: 'closed', armed: false },
        { ts: '2024-05-01T10:01:00.000Z', temperature: 21 },
        { ts: Date.parse('2024-05-01T10:02:00.000Z'), temperature: 22.25, door: 'open' },
        { ts: '2024-05-01T10:03:00.000Z', armed: true },
      ];
      for (const m of messages) await publish(client, 'devices/tele-1/telemetry', JSON.stringify(m));
      await waitForPoints(gw, 'tele-1', 7);
    });
    afterAll(() => endClient(client));

    it('stores one point per key, with the device ts, typed values', async () => {
      const body = await history(gw, 'tele-1', 'pageSize=100&order=asc&sort=ts');
      expect(body.data.pagination.total).toBe(7);
      expect(body.data.items).toEqual(
        expect.arrayContaining([
          { key: 'temperature', value: 20.5, ts: '2024-05-01T10:00:00.000Z' },
          { key: 'door', value: 'closed', ts: '2024-05-01T10:00:00.000Z' },
          { key: 'armed', value: false, ts: '2024-05-01T10:00:00.000Z' },
          { key: 'temperature', value: 22.25, ts: '2024-05-01T10:02:00.000Z' },
          { key: 'armed', value: true, ts: '2024-05-01T10:03:00.000Z' },
        ]),
      );
      const times = body.data.items.map((p: { ts: string }) => p.ts);
      expect(times).toEqual([...times].sort());
    });

    it('keeps the latest value of every key on the device', async () => {
      const latest = await waitForDevice(gw, 'tele-1', (d) => d.telemetry.armed === true, 'latest values');
      expect(latest.telemetry).toEqual({ temperature: 22.25, door: 'open', armed: true });
    });

    it('filters by key, from (inclusive) and to (exclusive)', async () => {
      const temps = await history(gw, 'tele-1', 'key=temperature&order=asc');
      expect(temps.data.items.map((p: { value: number }) => p.value)).toEqual([20.5, 21, 22.25]);
      const window = await history(gw, 'tele-1', 'key=temperature&from=2024-05-01T10:01:00Z&to=2024-05-01T10:02:00Z');
      expect(window.data.items).toEqual([{ key: 'temperature', value: 21, ts: '2024-05-01T10:01:00.000Z' }]);
      const keys = await history(gw, 'tele-1', 'key[in]=door,armed&fields=key');
      expect(keys.data.pagination.total).toBe(4);
      expect(keys.data.items[0]).toEqual({ key: expect.any(String) });
    });

    it('pages newest first by default, with offsets or cursors', async () => {
      const first = await history(gw, 'tele-1', 'key=temperature&limit=2');
      expect(first.data.items.map((p: { value: number }) => p.value)).toEqual([22.25, 21]);
      expect(first.cursor.hasMore).toBe(true);
      const second = await history(gw, 'tele-1', `key=temperature&limit=2&cursor=${first.cursor.next}`);
      expect(second.data.items.map((p: { value: number }) => p.value)).toEqual([20.5]);
      expect(second.cursor).toEqual({ next: null, hasMore: false });
      const page = await history(gw, 'tele-1', 'pageSize=3&page=3');
      expect(page.data.pagination).toEqual({ page: 3, pageSize: 3, total: 7, totalPages: 3 });
      expect(page.data.items).toHaveLength(1);
    });

    it('validates its query', async () => {
      for (const [query, code] of [
        ['from=yesterday', 40002],
        ['to=2024-13-45', 40002],
        ['value=1', 40001],
        ['sort=value', 40001],
        ['pageSize=101', 40001],
      ] as const) {
        const res = await gw.api.get(`/v1/iot/devices/tele-1/telemetry?${query}`);
        expect([query, res.status, res.body.code]).toEqual([query, 400, code]);
      }
      // `key` is the route's own filter here, but a credential in the query string is still refused
      const smuggled = await gw.api.get(`/v1/iot/devices/tele-1/telemetry?key=temperature&access_token=x`);
      expect(smuggled.status).toBe(401);
    });
  });

  describe.each<Transport>(['tcp', 'ws'])('invalid payloads over %s', (transport) => {
    let device: TestDevice;
    let client: MqttClient;
    const topic = () => `devices/${device.id}/telemetry`;
    beforeAll(async () => {
      device = await createDevice(gw, { id: `tele-bad-${transport}` });
      client = await connectDevice(gw, device, { transport });
    });
    afterAll(() => endClient(client));

    it.each([
      ['not JSON', 'json', '{"temperature": 21'],
      ['a JSON array', 'json', '[1, 2]'],
      ['a nested value', 'schema', '{"position": {"lat": 1}}'],
      ['a null value', 'schema', '{"temperature": null}'],
      ['no value at all', 'schema', '{"ts": 1718000000000}'],
      ['an implausible ts', 'schema', '{"ts": "1970-01-01T00:00:00Z", "t": 1}'],
      ['an oversized payload', 'too_large', JSON.stringify({ blob: 'x'.repeat(64 * 1024) })],
    ])('drops %s, counts it, and keeps the connection up', async (_what, reason, payload) => {
      const before = await metric(gw, 'mqtt_malformed_payloads_total', { kind: 'telemetry', reason });
      await publish(client, topic(), payload);
      await waitFor(
        async () => (await metric(gw, 'mqtt_malformed_payloads_total', { kind: 'telemetry', reason })) === before + 1,
        `malformed count (${reason})`,
      );
      // still connected, still served
      expect(client.connected).toBe(true);
      const marker = Date.now();
      await publish(client, topic(), JSON.stringify({ marker }));
      const after = await waitForDevice(gw, device.id, (d) => d.telemetry.marker === marker, 'next valid message');
      expect(after.status).toBe('online');
      expect(Object.keys(after.telemetry)).toEqual(['marker']);
    });
  });

  it('accepts a payload of exactly the limit (64 KiB) and drops one byte more', async () => {
    const device = await createDevice(gw, { id: 'tele-limit' });
    const client = await connectDevice(gw, device);
    const values: Record<string, string> = {};
    for (let i = 0; i < 70; i++) values[`k${String(i).padStart(2, '0')}`] = 'x'.repeat(927);
    values.k69 += 'x'.repeat(64 * 1024 - Buffer.byteLength(JSON.stringify(values)));
    const exact = JSON.stringify(values);
    expect(Buffer.byteLength(exact)).toBe(64 * 1024);
    await publish(client, 'devices/tele-limit/telemetry', exact);
    await waitForPoints(gw, 'tele-limit', 70);
    const before = await metric(gw, 'mqtt_malformed_payloads_total', { kind: 'telemetry', reason: 'too_large' });
    await publish(client, 'devices/tele-limit/telemetry', `${exact} `);
    await waitFor(
      async () =>
        (await metric(gw, 'mqtt_malformed_payloads_total', { kind: 'telemetry', reason: 'too_large' })) > before,
      'the oversized one to be counted',
    );
    expect((await history(gw, 'tele-limit')).data.pagination.total).toBe(70);
    await endClient(client);
  });

  it('closes the connection on a packet beyond the hard cap, before buffering it', async () => {
    const device = await createDevice(gw, { id: 'tele-huge' });
    const { socket, connack, closed } = await silentDevice(gw, device, 60);
    expect(connack).toBe(0);
    await waitForDevice(gw, 'tele-huge', (d) => d.status === 'online', 'online');
    // a PUBLISH announcing 10 MB; only its first bytes are ever sent
    socket.write(Buffer.concat([Buffer.from([0x30]), remainingLength(10_000_000), Buffer.from('\u0000\u0001x')]));
    await closed;
    const offline = await waitForDevice(gw, 'tele-huge', (d) => d.status === 'offline', 'offline');
    expect(offline.lastDisconnectReason).toBe('connection_error');
  });

  it('does the same before authentication', async () => {
    const socket = connect(gw.mqttPort!, '127.0.0.1');
    const gone = new Promise((resolve) => socket.once('close', resolve));
    socket.on('error', () => undefined);
    socket.write(Buffer.concat([Buffer.from([0x10]), remainingLength(50_000_000), Buffer.from('\u0000\u0004MQTT')]));
    await gone;
  });

  it('counts messages by kind', async () => {
    expect(await metric(gw, 'mqtt_messages_received_total', { kind: 'telemetry' })).toBeGreaterThan(10);
  });

  it('deletes history older than TELEMETRY_RETENTION_DAYS', async () => {
    const storage = createStorage();
    try {
      const first = await startGateway({ storage });
      const device = await createDevice(first, { id: 'tele-retention' });
      const client = await connectDevice(first, device);
      const old = Date.now() - 10 * 24 * 60 * 60_000;
      await publish(client, 'devices/tele-retention/telemetry', JSON.stringify({ ts: old, v: 1 }));
      await publish(client, 'devices/tele-retention/telemetry', JSON.stringify({ v: 2 }));
      await waitForPoints(first, 'tele-retention', 2);
      await endClient(client);
      await first.stop();

      const second = await startGateway({ storage, env: { TELEMETRY_RETENTION_DAYS: '7' } });
      try {
        const kept = await waitFor(async () => {
          const body = await history(second, 'tele-retention');
          return body.data.pagination.total === 1 ? body : undefined;
        }, 'retention to delete the old point');
        expect(kept.data.items[0].value).toBe(2);
        expect((await getDevice(second, 'tele-retention')).telemetry).toEqual({ v: 2 });
      } finally {
        await second.stop();
      }
    } finally {
      await storage.drop();
    }
  }, 120_000);
});
