import type { MqttClient } from 'mqtt';
import {
  closed,
  connackCode,
  connectDevice,
  createDevice,
  deviceEvents,
  endClient,
  getDevice,
  metric,
  presenceOf,
  publish,
  subscribe,
  type TestDevice,
  type Transport,
  waitForDevice,
} from './helpers/devices.js';
import { type Gateway, startGateway } from './helpers/gateway.js';

describe('MQTT authentication and per-device ACL', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway();
  }, 60_000);
  afterAll(() => gw.stop());

  describe.each<Transport>(['tcp', 'ws'])('over %s', (transport) => {
    let device: TestDevice;
    beforeAll(async () => {
      device = await createDevice(gw, { id: `auth-${transport}` });
    });

    it('accepts the right credentials (CONNACK 0) and marks the device online', async () => {
      const client = await connectDevice(gw, device, { transport });
      const online = await waitForDevice(gw, device.id, (d) => d.status === 'online', 'online');
      expect(online.connectedAt).not.toBeNull();
      expect(online.lastSeenAt).not.toBeNull();
      await endClient(client);
      const offline = await waitForDevice(gw, device.id, (d) => d.status === 'offline', 'offline');
      expect(offline.lastDisconnectReason).toBe('client_disconnect');
    });

    it('answers CONNACK 4 to a wrong token and to an unknown device alike', async () => {
      expect(await connackCode(gw, { id: device.id, password: 'wrong-token' }, { transport })).toBe(4);
      expect(await connackCode(gw, { id: `ghost-${transport}`, password: device.password }, { transport })).toBe(4);
      expect(await connackCode(gw, device, { transport, password: '' })).toBe(4);
    });

    it('answers CONNACK 2 when the client id is not the username', async () => {
      expect(await connackCode(gw, device, { transport, clientId: `${device.id}-x` })).toBe(2);
    });
  });

  it('refuses an MQTT 5 CONNECT with "unacceptable protocol version"', async () => {
    const device = await createDevice(gw, { id: 'auth-v5' });
    const code = await connackCode(gw, device, { protocolVersion: 5 });
    expect(code).toBe(1);
    expect(await metric(gw, 'mqtt_auth_failures_total', { reason: 'unsupported_protocol' })).toBeGreaterThanOrEqual(1);
  });

  it('counts authentication failures', async () => {
    expect(await metric(gw, 'mqtt_auth_failures_total', { reason: 'bad_credentials' })).toBeGreaterThanOrEqual(6);
    expect(await metric(gw, 'mqtt_auth_failures_total', { reason: 'client_id_mismatch' })).toBeGreaterThanOrEqual(2);
  });

  it('disabling drops the session and refuses reconnects with CONNACK 5 until re-enabled', async () => {
    const device = await createDevice(gw, { id: 'auth-disable' });
    const client = await connectDevice(gw, device);
    await waitForDevice(gw, device.id, (d) => d.status === 'online', 'online');
    const gone = closed(client);
    const res = await gw.api.patch(`/v1/iot/devices/${device.id}`, { disabled: true });
    expect(res.status).toBe(200);
    // the PATCH answers once the session is gone and recorded
    expect(res.body.data).toMatchObject({
      disabled: true,
      status: 'offline',
      lastDisconnectReason: 'device_disabled',
    });
    await gone;
    expect(await connackCode(gw, device)).toBe(5);
    // a wrong token still gets 4: being disabled is not revealed without the token
    expect(await connackCode(gw, { id: device.id, password: 'wrong' })).toBe(4);
    expect((await gw.api.patch(`/v1/iot/devices/${device.id}`, { disabled: false })).status).toBe(200);
    expect(await connackCode(gw, device)).toBe(0);
  });

  it('a device created disabled is refused with CONNACK 5', async () => {
    const device = await createDevice(gw, { id: 'auth-born-disabled', disabled: true });
    expect(await connackCode(gw, device)).toBe(5);
    expect(await metric(gw, 'mqtt_auth_failures_total', { reason: 'disabled' })).toBeGreaterThanOrEqual(1);
  });

  it('rotating credentials drops the session; the old token is refused, the new one works', async () => {
    const device = await createDevice(gw, { id: 'auth-rotate' });
    // a successful connect caches the credential: rotation must invalidate it
    const client = await connectDevice(gw, device);
    await waitForDevice(gw, device.id, (d) => d.status === 'online', 'online');
    const gone = closed(client);
    const res = await gw.api.post(`/v1/iot/devices/${device.id}/credentials`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'offline', lastDisconnectReason: 'credentials_rotated' });
    await gone;
    expect(await connackCode(gw, device)).toBe(4);
    const rotated = { id: device.id, password: res.body.data.credentials.password };
    expect(await connackCode(gw, rotated)).toBe(0);
    const presence = await presenceOf(gw, device.id);
    expect(presence.slice(0, 2)).toEqual(['device.online:client_connect', 'device.offline:credentials_rotated']);
  });

  it('deleting drops the session (device_deleted) and refuses reconnects', async () => {
    const device = await createDevice(gw, { id: 'auth-delete' });
    const client = await connectDevice(gw, device);
    await waitForDevice(gw, device.id, (d) => d.status === 'online', 'online');
    const gone = closed(client);
    expect((await gw.api.delete(`/v1/iot/devices/${device.id}`)).status).toBe(204);
    await gone;
    const events = await deviceEvents(gw, device.id, ['device.online', 'device.offline', 'device.deleted']);
    expect(events.map((e) => `${e.type}:${e.data.reason ?? ''}`)).toEqual([
      'device.online:client_connect',
      'device.offline:device_deleted',
      'device.deleted:',
    ]);
    expect(events[2].data.device).toMatchObject({ status: 'offline', lastDisconnectReason: 'device_deleted' });
    expect(await connackCode(gw, device)).toBe(4);
  });

  describe('ACL: a device touches only its own topics', () => {
    let a: TestDevice;
    let b: TestDevice;
    let clientA: MqttClient;
    let clientB: MqttClient;
    beforeAll(async () => {
      a = await createDevice(gw, { id: 'acl-a' });
      b = await createDevice(gw, { id: 'acl-b' });
      clientB = await connectDevice(gw, b);
    });
    beforeEach(async () => {
      clientA = await connectDevice(gw, a);
      // the previous test left A offline; its state must be this session's before we look at it again
      await waitForDevice(gw, 'acl-a', (d) => d.status === 'online', 'A online');
    });
    afterEach(() => clientA.end(true));
    afterAll(() => clientB.end(true));

    it('grants its own command topics and refuses everything else with SUBACK 0x80', async () => {
      const before = await metric(gw, 'mqtt_refused_total', { action: 'subscribe' });
      const granted = await subscribe(clientA, [
        'devices/acl-a/commands/+',
        'devices/acl-b/commands/+',
        'devices/acl-b/telemetry',
        'devices/+/commands/+',
        'devices/#',
        '#',
        'devices/acl-a/telemetry',
        '$SYS/#',
      ]);
      expect(granted).toEqual([1, 128, 128, 128, 128, 128, 128, 128]);
      expect(await subscribe(clientA, ['devices/acl-a/commands/#', 'devices/acl-a/commands/cmd_1'])).toEqual([1, 1]);
      // refused subscriptions do not cost the connection
      expect(clientA.connected).toBe(true);
      await publish(clientA, 'devices/acl-a/telemetry', JSON.stringify({ ok: 1 }));
      expect(await metric(gw, 'mqtt_refused_total', { action: 'subscribe' })).toBe(before + 7);
    });

    it.each([
      'devices/acl-b/telemetry',
      'devices/acl-b/commands/cmd_1',
      'devices/acl-a/commands/cmd_1',
      'devices/acl-b/commands/cmd_1/reply',
      'devices/acl-a/other',
      'elsewhere',
    ])('closes the connection on a publish to %s, and never forwards it', async (topic) => {
      const received: string[] = [];
      const onMessage = (t: string) => received.push(t);
      clientB.on('message', onMessage);
      expect(await subscribe(clientB, ['devices/acl-b/commands/+'])).toEqual([1]);
      const before = await metric(gw, 'mqtt_refused_total', { action: 'publish' });
      const gone = closed(clientA);
      clientA.publish(topic, JSON.stringify({ temperature: 99 }), { qos: 1 });
      await gone;
      // B is still served, and got nothing (a round trip on B's connection comes after A's publish)
      await publish(clientB, 'devices/acl-b/telemetry', JSON.stringify({ ok: 1 }));
      clientB.off('message', onMessage);
      expect(received).toEqual([]);
      expect(await metric(gw, 'mqtt_refused_total', { action: 'publish' })).toBe(before + 1);
      const deviceA = await waitForDevice(gw, 'acl-a', (d) => d.status === 'offline', 'A offline');
      expect(deviceA.lastDisconnectReason).toBe('forbidden_publish');
      const deviceB = await getDevice(gw, 'acl-b');
      expect(deviceB.telemetry).not.toHaveProperty('temperature');
    });
  });
});
