import type { MqttClient } from 'mqtt';
import {
  connectDevice,
  createDevice,
  deviceEvents,
  endClient,
  getDevice,
  metric,
  publish,
  waitFor,
} from './helpers/devices.js';
import { type Gateway, startGateway } from './helpers/gateway.js';

describe('alerts', () => {
  let gw: Gateway;
  let client: MqttClient;
  const deviceId = 'alert-dev';
  const topic = `devices/${deviceId}/alerts`;

  const alertEvents = () => deviceEvents(gw, deviceId, ['device.alert']);
  const waitForAlertEvents = (n: number) =>
    waitFor(async () => {
      const events = await alertEvents();
      return events.length >= n ? events : undefined;
    }, `${n} device.alert events`);
  const alertsOfDevice = async (query = '') => (await gw.api.get(`/v1/iot/devices/${deviceId}/alerts?${query}`)).body;
  /** waits until the device's alert of `type` satisfies `predicate` */
  const waitForAlert = (type: string, predicate: (alert: any) => boolean, what: string) =>
    waitFor(async () => {
      const body = await alertsOfDevice(`type=${type}&sort=raisedAt&order=desc`);
      const alert = body.data.items[0];
      return alert && predicate(alert) ? alert : undefined;
    }, what);

  beforeAll(async () => {
    gw = await startGateway();
    const device = await createDevice(gw, { id: deviceId });
    client = await connectDevice(gw, device);
  }, 60_000);
  afterAll(async () => {
    await endClient(client);
    await gw.stop();
  });

  it('raise → active alert, device alerting, device.alert event', async () => {
    await publish(
      client,
      topic,
      JSON.stringify({ type: 'overheat', severity: 'warning', message: 'Boiler at 92 °C', data: { celsius: 92 } }),
    );
    const alert = await waitForAlert('overheat', () => true, 'raised alert');
    expect(alert).toEqual({
      id: expect.stringMatching(/^alt_[0-9A-HJKMNP-TV-Z]{26}$/),
      deviceId,
      type: 'overheat',
      severity: 'warning',
      message: 'Boiler at 92 °C',
      data: { celsius: 92 },
      status: 'active',
      acknowledged: false,
      count: 1,
      raisedAt: expect.any(String),
      lastRaisedAt: alert.raisedAt,
      clearedAt: null,
      acknowledgedAt: null,
    });
    expect((await getDevice(gw, deviceId)).alertState).toBe('alerting');
    const [event] = await waitForAlertEvents(1);
    expect(event.data.alert).toEqual(alert);
    expect(event.data.device).toMatchObject({ id: deviceId, alertState: 'alerting' });
  });

  it('repeat → same alert, count and lastRaisedAt move, no new event', async () => {
    await publish(client, topic, JSON.stringify({ type: 'overheat', severity: 'warning', message: 'Boiler at 93 °C' }));
    const alert = await waitForAlert('overheat', (a) => a.count === 2, 'count 2');
    expect(alert).toMatchObject({ severity: 'warning', message: 'Boiler at 93 °C', data: null, status: 'active' });
    expect(alert.lastRaisedAt > alert.raisedAt).toBe(true);
    expect((await alertsOfDevice()).data.pagination.total).toBe(1);
    // a later event proves nothing was recorded in between
    await publish(client, topic, JSON.stringify({ type: 'probe', severity: 'info', message: 'probe' }));
    await waitForAlertEvents(2);
    expect((await alertEvents()).map((e) => `${e.data.alert.type}:${e.data.alert.severity}`)).toEqual([
      'overheat:warning',
      'probe:info',
    ]);
  });

  it('acknowledge → acknowledged, idempotent', async () => {
    const alert = await waitForAlert('overheat', () => true, 'overheat');
    const res = await gw.api.post(`/v1/iot/alerts/${alert.id}/acknowledge`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: alert.id, acknowledged: true, status: 'active' });
    expect(res.body.data.acknowledgedAt).not.toBeNull();
    const again = await gw.api.post(`/v1/iot/alerts/${alert.id}/acknowledge`);
    expect(again.body.data.acknowledgedAt).toBe(res.body.data.acknowledgedAt);
    expect((await gw.api.post('/v1/iot/alerts/alt_01ARZ3NDEKTSV4RRFFQ69G5FAV/acknowledge')).status).toBe(404);
    expect((await gw.api.post('/v1/iot/alerts/nope/acknowledge')).status).toBe(404);
  });

  it('escalate → severity changes, an event, the acknowledgement is withdrawn', async () => {
    await publish(
      client,
      topic,
      JSON.stringify({ type: 'overheat', severity: 'critical', message: 'Boiler at 110 °C' }),
    );
    const alert = await waitForAlert('overheat', (a) => a.severity === 'critical', 'critical');
    expect(alert).toMatchObject({ count: 3, acknowledged: false, acknowledgedAt: null, status: 'active' });
    const events = await waitForAlertEvents(3);
    expect(events[2].data.alert).toMatchObject({ id: alert.id, severity: 'critical', status: 'active' });
  });

  it('clear → cleared, device back to normal, an event', async () => {
    await publish(client, topic, JSON.stringify({ type: 'overheat', status: 'cleared' }));
    const alert = await waitForAlert('overheat', (a) => a.status === 'cleared', 'cleared');
    expect(alert.clearedAt).not.toBeNull();
    // the active info alert (probe) does not make the device alerting
    expect((await getDevice(gw, deviceId)).alertState).toBe('normal');
    const events = await waitForAlertEvents(4);
    expect(events[3].data.alert).toMatchObject({ id: alert.id, status: 'cleared' });
    expect(events[3].data.device.alertState).toBe('normal');
  });

  it('a raise after a clear opens a new alert; clearing what is not active changes nothing', async () => {
    await publish(client, topic, JSON.stringify({ type: 'unknown-type', status: 'cleared' }));
    await publish(client, topic, JSON.stringify({ type: 'overheat', severity: 'warning', message: 'again' }));
    const alert = await waitForAlert('overheat', (a) => a.status === 'active', 'a new active alert');
    expect(alert.count).toBe(1);
    const all = await alertsOfDevice('type=overheat');
    expect(all.data.pagination.total).toBe(2);
    expect((await alertEvents()).length).toBe(5);
  });

  it('lists alerts with the query grammar', async () => {
    const active = await gw.api.get('/v1/iot/alerts?status=active&sort=raisedAt&order=asc&fields=type,severity');
    expect(active.status).toBe(200);
    expect(active.body.data.items).toEqual([
      { type: 'probe', severity: 'info' },
      { type: 'overheat', severity: 'warning' },
    ]);
    const acked = await gw.api.get('/v1/iot/alerts?acknowledged=false&severity[in]=warning,critical');
    expect(acked.body.data.items.map((a: { status: string }) => a.status)).toEqual(['active', 'cleared']);
    const search = await gw.api.get('/v1/iot/alerts?search=110');
    expect(search.body.data.items).toHaveLength(1);
    for (const query of ['deviceId=x', 'severity=fatal', 'sort=count', 'acknowledged=maybe']) {
      const res = await gw.api.get(`/v1/iot/alerts?${query}`);
      expect([query, res.status]).toEqual([query, 400]);
    }
  });

  it('drops malformed alert payloads and counts them', async () => {
    const before = await metric(gw, 'mqtt_malformed_payloads_total', { kind: 'alerts', reason: 'schema' });
    for (const bad of [
      { type: 'x', severity: 'fatal', message: 'unknown severity' },
      { type: 'x', severity: 'info' },
      { type: 'x', status: 'resolved' },
      { type: 'has space', severity: 'info', message: 'm' },
      { type: 'x', severity: 'info', message: 'm', extra: true },
    ]) {
      await publish(client, topic, JSON.stringify(bad));
    }
    await waitFor(
      async () =>
        (await metric(gw, 'mqtt_malformed_payloads_total', { kind: 'alerts', reason: 'schema' })) === before + 5,
      'five malformed alerts counted',
    );
    expect(client.connected).toBe(true);
    expect((await alertsOfDevice('type=x')).data.pagination.total).toBe(0);
  });
});
