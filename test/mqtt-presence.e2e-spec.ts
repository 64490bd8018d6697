import {
  closed,
  connectDevice,
  createDevice,
  dropConnection,
  endClient,
  getDevice,
  metric,
  presenceOf,
  publish,
  silentDevice,
  type Transport,
  waitFor,
  waitForDevice,
} from './helpers/devices.js';
import { type Gateway, startGateway } from './helpers/gateway.js';

/** Waits until the device's presence events are exactly `expected` (nothing else comes before the last one). */
async function expectPresence(gw: Gateway, deviceId: string, expected: string[]): Promise<void> {
  const last = expected.at(-1)!;
  const events = await waitFor(async () => {
    const all = await presenceOf(gw, deviceId);
    return all.length >= expected.length && all.includes(last) ? all : undefined;
  }, `${deviceId}: ${last}`);
  expect(events).toEqual(expected);
}

describe('device presence', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway();
  }, 60_000);
  afterAll(() => gw.stop());

  describe.each<Transport>(['tcp', 'ws'])('over %s', (transport) => {
    it('online on CONNECT, offline with client_disconnect on DISCONNECT', async () => {
      const device = await createDevice(gw, { id: `presence-clean-${transport}` });
      const client = await connectDevice(gw, device, { transport });
      const online = await waitForDevice(gw, device.id, (d) => d.status === 'online', 'online');
      await endClient(client);
      const offline = await waitForDevice(gw, device.id, (d) => d.status === 'offline', 'offline');
      expect(offline.lastDisconnectReason).toBe('client_disconnect');
      expect(offline.connectedAt).toBe(online.connectedAt);
      expect(offline.disconnectedAt >= offline.connectedAt).toBe(true);
      await expectPresence(gw, device.id, ['device.online:client_connect', 'device.offline:client_disconnect']);
    });

    it('offline with connection_lost when the socket drops without DISCONNECT', async () => {
      const device = await createDevice(gw, { id: `presence-lost-${transport}` });
      const client = await connectDevice(gw, device, { transport });
      await waitForDevice(gw, device.id, (d) => d.status === 'online', 'online');
      dropConnection(client);
      const offline = await waitForDevice(gw, device.id, (d) => d.status === 'offline', 'offline');
      expect(offline.lastDisconnectReason).toBe('connection_lost');
      await expectPresence(gw, device.id, ['device.online:client_connect', 'device.offline:connection_lost']);
    });

    it('a takeover keeps the device online, with no presence event, and the stale close changes nothing', async () => {
      const device = await createDevice(gw, { id: `presence-takeover-${transport}` });
      const first = await connectDevice(gw, device, { transport });
      await waitForDevice(gw, device.id, (d) => d.status === 'online', 'online');
      const firstGone = closed(first);
      const second = await connectDevice(gw, device, { transport });
      // the old connection is closed by the gateway [MQTT-3.1.4-2]
      await firstGone;
      // the new one works
      await publish(second, `devices/${device.id}/telemetry`, JSON.stringify({ after: 1 }));
      expect((await getDevice(gw, device.id)).status).toBe('online');
      // a third connection replaces the second one the same way
      const secondGone = closed(second);
      const third = await connectDevice(gw, device, { transport: transport === 'tcp' ? 'ws' : 'tcp' });
      await secondGone;
      await endClient(third);
      // FIFO presence log: had the takeovers produced anything, it would come before this offline
      await expectPresence(gw, device.id, ['device.online:client_connect', 'device.offline:client_disconnect']);
    });
  });

  it('keepalive timeout (1.5 × keepalive without a packet) marks offline with keepalive_timeout', async () => {
    const device = await createDevice(gw, { id: 'presence-keepalive' });
    const { connack, closed: socketClosed } = await silentDevice(gw, device, 1);
    expect(connack).toBe(0);
    await waitForDevice(gw, device.id, (d) => d.status === 'online', 'online');
    await socketClosed;
    const offline = await waitForDevice(gw, device.id, (d) => d.status === 'offline', 'offline');
    expect(offline.lastDisconnectReason).toBe('keepalive_timeout');
    await expectPresence(gw, device.id, ['device.online:client_connect', 'device.offline:keepalive_timeout']);
  });

  it('a protocol violation closes the connection with connection_error', async () => {
    const device = await createDevice(gw, { id: 'presence-protocol' });
    const { socket, connack, closed: socketClosed } = await silentDevice(gw, device, 60);
    expect(connack).toBe(0);
    await waitForDevice(gw, device.id, (d) => d.status === 'online', 'online');
    // a second CONNECT on the same connection is a protocol violation [MQTT-3.1.0-2]
    socket.write(Buffer.from([0x10, 0x0c, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0, 60, 0, 0]));
    await socketClosed;
    const offline = await waitForDevice(gw, device.id, (d) => d.status === 'offline', 'offline');
    expect(offline.lastDisconnectReason).toBe('connection_error');
  });

  it('a silent connection taken over by a live one does not flap the device', async () => {
    const device = await createDevice(gw, { id: 'presence-half-open' });
    // a device whose old TCP connection is half-open (it will never answer again) reconnects
    const old = await silentDevice(gw, device, 60);
    await waitForDevice(gw, device.id, (d) => d.status === 'online', 'online');
    const fresh = await connectDevice(gw, device);
    await old.closed;
    await publish(fresh, 'devices/presence-half-open/telemetry', JSON.stringify({ v: 1 }));
    dropConnection(fresh);
    await expectPresence(gw, device.id, ['device.online:client_connect', 'device.offline:connection_lost']);
  });

  it('records lastSeenAt from activity without a write per message', async () => {
    const device = await createDevice(gw, { id: 'presence-last-seen' });
    const client = await connectDevice(gw, device);
    const online = await waitForDevice(gw, device.id, (d) => d.status === 'online', 'online');
    await publish(client, 'devices/presence-last-seen/telemetry', JSON.stringify({ n: 1 }));
    const seen = await waitForDevice(
      gw,
      device.id,
      (d) => d.lastSeenAt > online.lastSeenAt,
      'lastSeenAt to move forward',
    );
    expect(seen.status).toBe('online');
    await endClient(client);
  });

  it('exposes the connected devices and disconnect reasons in /metrics', async () => {
    const device = await createDevice(gw, { id: 'presence-metrics' });
    const client = await connectDevice(gw, device);
    await waitForDevice(gw, device.id, (d) => d.status === 'online', 'online');
    expect(await metric(gw, 'mqtt_connected_devices')).toBeGreaterThanOrEqual(1);
    const before = await metric(gw, 'mqtt_disconnects_total', { reason: 'client_disconnect' });
    await endClient(client);
    await waitFor(
      async () => (await metric(gw, 'mqtt_disconnects_total', { reason: 'client_disconnect' })) === before + 1,
      'the disconnect to be counted',
    );
  });
});
