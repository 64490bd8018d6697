import type { MqttClient } from 'mqtt';
import { type CommandPayload, deviceTopics } from '../src/broker/topics.js';
import { answerCommands, commandDevice, commandEvents, getCommand, sendCommand } from './helpers/commands.js';
import { connectDevice, createDevice, endClient, metric, subscribe, waitFor } from './helpers/devices.js';
import { createApiKey } from './helpers/factories.js';
import { type Gateway, startGateway } from './helpers/gateway.js';

const ok = (c: CommandPayload) => ({ status: 'ok' as const, result: { done: c.command } });

function waitForStatus(gw: Gateway, id: string, status: string): Promise<any> {
  return waitFor(async () => {
    const c = await getCommand(gw, id);
    return c.status === status ? c : undefined;
  }, `${id} ${status}`);
}

describe('commands: queueing, TTL, cancel, idempotency, batch, delivery', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway();
  }, 60_000);
  afterAll(() => gw.stop());

  it('queues commands for an offline device (202) and delivers them in creation order once it subscribes', async () => {
    const device = await createDevice(gw);
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      const res = await sendCommand(gw, device.id, { command: `step${n}`, params: { n }, ttlSeconds: 300 });
      expect(res.status).toBe(202);
      expect(res.body.data).toMatchObject({ status: 'queued', sentAt: null, ttlSeconds: 300 });
      expect(Date.parse(res.body.data.expiresAt) - Date.parse(res.body.data.createdAt)).toBe(300_000);
      ids.push(res.body.data.id);
    }
    // a cancelled one is never delivered
    expect((await gw.api.post(`/v1/iot/commands/${ids[2]}/cancel`)).body.data.status).toBe('cancelled');
    // connected but not subscribed: nothing is sent yet (a publish before SUBSCRIBE would be lost)
    const client = await connectDevice(gw, device);
    await waitFor(
      async () => (await gw.api.get(`/v1/iot/devices/${device.id}`)).body.data.status === 'online',
      'online',
    );
    expect((await getCommand(gw, ids[0]!)).status).toBe('queued');
    const received = await answerCommands(client, device.id, ok);
    await waitForStatus(gw, ids[3]!, 'succeeded');
    expect(received.map((c) => c.id)).toEqual([ids[0], ids[1], ids[3]]);
    expect(received.map((c) => c.command)).toEqual(['step1', 'step2', 'step4']);
    for (const id of [ids[0]!, ids[1]!]) expect((await getCommand(gw, id)).status).toBe('succeeded');
    // the list (query grammar) shows them
    const list = await gw.api.get(`/v1/iot/devices/${device.id}/commands?status=succeeded&sort=createdAt&order=asc`);
    expect(list.body.data.items.map((c: any) => c.id)).toEqual([ids[0], ids[1], ids[3]]);
    const few = await gw.api.get(`/v1/iot/devices/${device.id}/commands?fields=id,status&limit=2`);
    expect(few.body.data.items[0]).toEqual({ id: ids[3], status: 'succeeded' });
    expect(few.body.cursor.hasMore).toBe(true);
    expect((await gw.api.get(`/v1/iot/devices/${device.id}/commands?priority=1`)).body.code).toBe(40001);
    expect((await gw.api.get(`/v1/iot/devices/${device.id}/commands?status=bogus`)).body.code).toBe(40001);
    expect((await gw.api.get(`/v1/iot/devices/nope/commands`)).status).toBe(404);
    await endClient(client);
  });

  it('a persistent session: the subscription restored at reconnect (no SUBSCRIBE) receives the queue', async () => {
    const device = await createDevice(gw);
    const first = await connectDevice(gw, device, { clean: false });
    await subscribe(first, [deviceTopics.commandSubscription(device.id)]);
    await endClient(first);
    await waitFor(
      async () => (await gw.api.get(`/v1/iot/devices/${device.id}`)).body.data.status === 'offline',
      'offline',
    );
    const queued = (await sendCommand(gw, device.id, { command: 'resume', ttlSeconds: 60 })).body.data;
    expect(queued.status).toBe('queued');
    const again = await connectDevice(gw, device, { clean: false });
    const got = new Promise<string>((resolve) => again.once('message', (topic) => resolve(topic)));
    expect(await got).toBe(deviceTopics.command(device.id, queued.id));
    await waitForStatus(gw, queued.id, 'delivered');
    await endClient(again);
  });

  it('deleting a device deletes its commands', async () => {
    const device = await createDevice(gw);
    const queued = (await sendCommand(gw, device.id, { command: 'orphan', ttlSeconds: 60 })).body.data;
    expect((await gw.api.delete(`/v1/iot/devices/${device.id}`)).status).toBe(204);
    expect((await gw.api.get(`/v1/iot/commands/${queued.id}`)).status).toBe(404);
  });

  it('a queued command expires at its TTL: expired, command.expired, never delivered', async () => {
    const device = await createDevice(gw);
    const res = await sendCommand(gw, device.id, { command: 'late', ttlSeconds: 1 });
    expect(res.status).toBe(202);
    const expired = await waitForStatus(gw, res.body.data.id, 'expired');
    expect(expired).toMatchObject({ sentAt: null, error: { code: 'EXPIRED' } });
    expect(expired.completedAt).not.toBeNull();
    const events = await commandEvents(gw, expired.id);
    expect(events.map((e) => e.type)).toEqual(['command.expired']);
    expect(events[0].data.command).toEqual(expired);
    const client = await connectDevice(gw, device);
    const received = await answerCommands(client, device.id, ok);
    expect((await sendCommand(gw, device.id, { command: 'now' })).body.data.status).toBe('succeeded');
    expect(received.map((c) => c.command)).toEqual(['now']);
    await endClient(client);
  });

  it('refuses more than 100 queued commands per device (42201)', async () => {
    const device = await createDevice(gw);
    for (let i = 0; i < 100; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, () => sendCommand(gw, device.id, { command: 'fill', ttlSeconds: 600 })),
      );
      expect(batch.map((r) => r.status)).toEqual(Array(20).fill(202));
    }
    const full = await sendCommand(gw, device.id, { command: 'one-more', ttlSeconds: 600 });
    expect(full.status).toBe(422);
    expect(full.body.code).toBe(42201);
  });

  it('cancel: queued or in flight → cancelled (a waiting synchronous call answers with it); finished → 42201', async () => {
    const device = await commandDevice(gw, () => 'silent');
    const pending = sendCommand(gw, device.id, { command: 'slow', timeoutMs: 60000 });
    const received = await device.nth(1);
    const cancelled = await gw.api.post(`/v1/iot/commands/${received.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(answer.body.data.status).toBe('cancelled');
    const again = await gw.api.post(`/v1/iot/commands/${received.id}/cancel`);
    expect(again.status).toBe(422);
    expect(again.body.code).toBe(42201);
    expect((await gw.api.post('/v1/iot/commands/cmd_01JAAAAAAAAAAAAAAAAAAAAAAA/cancel')).status).toBe(404);
    expect((await gw.api.post('/v1/iot/commands/nope/cancel')).status).toBe(404);
    expect((await gw.api.post(`/v1/iot/commands/${received.id}/cancel`, { force: true })).status).toBe(400);
    expect((await gw.api.get('/v1/iot/commands/nope')).status).toBe(404);
    await endClient(device.client);
  });

  describe('delivered = the PUBACK of the command publish', () => {
    it('a device that acknowledges but does not answer: delivered, with deliveredAt', async () => {
      const device = await commandDevice(gw, () => 'silent');
      const res = await sendCommand(gw, device.id, { command: 'noted', async: true, timeoutMs: 60000 });
      const delivered = await waitForStatus(gw, res.body.data.id, 'delivered');
      expect(delivered.deliveredAt >= delivered.sentAt).toBe(true);
      expect(delivered.completedAt).toBeNull();
      await endClient(device.client);
    });

    it('a device that withholds its PUBACK keeps the command sent; the late PUBACK makes it delivered', async () => {
      const device = await createDevice(gw);
      const client = await connectDevice(gw, device);
      // mqtt.js sends the PUBACK of a QoS 1 message when handleMessage calls back: hold it
      const held: Array<() => void> = [];
      const got: string[] = [];
      client.handleMessage = (packet, callback) => {
        if (packet.cmd === 'publish') got.push(packet.topic);
        held.push(() => callback());
      };
      await subscribe(client, [deviceTopics.commandSubscription(device.id)]);
      const res = await sendCommand(gw, device.id, { command: 'hold', async: true, timeoutMs: 60000 });
      const id = res.body.data.id;
      await waitFor(() => got.includes(deviceTopics.command(device.id, id)), 'command received');
      // a packet sent after the command arrived: once the gateway has processed it, it would have processed
      // a PUBACK sent before it on the same connection too
      const before = await metric(gw, 'command_replies_ignored_total', { reason: 'unknown' });
      client.publish(deviceTopics.commandReply(device.id, 'probe'), '{"status":"ok"}', { qos: 0 });
      await waitFor(
        async () => (await metric(gw, 'command_replies_ignored_total', { reason: 'unknown' })) > before,
        'probe processed',
      );
      expect(await getCommand(gw, id)).toMatchObject({ status: 'sent', deliveredAt: null });
      for (const release of held) release();
      const delivered = await waitForStatus(gw, id, 'delivered');
      expect(delivered.deliveredAt).not.toBeNull();
      client.end(true);
    });

    it('without a PUBACK and without a reply, the command times out with deliveredAt null', async () => {
      const device = await createDevice(gw);
      const client: MqttClient = await connectDevice(gw, device);
      client.handleMessage = () => undefined; // never acknowledges
      await subscribe(client, [deviceTopics.commandSubscription(device.id)]);
      const res = await sendCommand(gw, device.id, { command: 'void', timeoutMs: 500 });
      expect(res.status).toBe(504);
      expect(res.body.data).toMatchObject({ status: 'timed_out', deliveredAt: null });
      client.end(true);
    });
  });

  describe('Idempotency-Key', () => {
    it('a retry gets the same command and status; the device gets it once', async () => {
      const device = await commandDevice(gw, ok);
      const headers = { 'Idempotency-Key': `k-${device.id}` };
      const first = await sendCommand(gw, device.id, { command: 'turnOn', params: { brightness: 80 } }, headers);
      const retry = await sendCommand(gw, device.id, { command: 'turnOn', params: { brightness: 80 } }, headers);
      expect(first.status).toBe(200);
      expect(retry.status).toBe(200);
      expect(retry.body.data).toEqual(first.body.data);
      expect(device.received).toHaveLength(1);
      // the same key with another request is refused
      const other = await sendCommand(gw, device.id, { command: 'turnOff' }, headers);
      expect(other.status).toBe(422);
      expect(other.body.code).toBe(42201);
      // another principal's key space is its own
      const key = await createApiKey(gw.api, ['read', 'write']);
      const theirs = await gw.api
        .as(key.key)
        .post(`/v1/iot/devices/${device.id}/commands`, { command: 'turnOn', params: { brightness: 80 } }, headers);
      expect(theirs.status).toBe(200);
      expect(theirs.body.data.id).not.toBe(first.body.data.id);
      await endClient(device.client);
    });

    it('concurrent duplicates create one command', async () => {
      const device = await commandDevice(gw, ok);
      const headers = { 'Idempotency-Key': `race-${device.id}` };
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => sendCommand(gw, device.id, { command: 'once', async: true }, headers)),
      );
      expect(new Set(answers.map((a) => a.status))).toEqual(new Set([202]));
      expect(new Set(answers.map((a) => a.body.data.id)).size).toBe(1);
      await waitForStatus(gw, answers[0]!.body.data.id, 'succeeded');
      const list = await gw.api.get(`/v1/iot/devices/${device.id}/commands`);
      expect(list.body.data.pagination.total).toBe(1);
      expect(device.received).toHaveLength(1);
      await endClient(device.client);
    });

    it("replays the first call's status: 202 for a queued command even after it succeeded, 504 after a timeout", async () => {
      const device = await createDevice(gw);
      const headers = { 'Idempotency-Key': `queued-${device.id}` };
      const first = await sendCommand(gw, device.id, { command: 'later', ttlSeconds: 60 }, headers);
      expect(first.status).toBe(202);
      const client = await connectDevice(gw, device);
      await answerCommands(client, device.id, ok);
      await waitForStatus(gw, first.body.data.id, 'succeeded');
      const retry = await sendCommand(gw, device.id, { command: 'later', ttlSeconds: 60 }, headers);
      expect(retry.status).toBe(202);
      expect(retry.body.data).toMatchObject({ id: first.body.data.id, status: 'succeeded' });
      await endClient(client);

      const silent = await commandDevice(gw, () => 'silent');
      const h2 = { 'Idempotency-Key': `timeout-${silent.id}` };
      const timedOut = await sendCommand(gw, silent.id, { command: 'x', timeoutMs: 300 }, h2);
      expect(timedOut.status).toBe(504);
      const again = await sendCommand(gw, silent.id, { command: 'x', timeoutMs: 300 }, h2);
      expect(again.status).toBe(504);
      expect(again.body.code).toBe(50401);
      expect(again.body.data.id).toBe(timedOut.body.data.id);
      expect(silent.received).toHaveLength(1);
      await endClient(silent.client);
    });
  });

  describe('batch', () => {
    it('202 with one command per device: online ones sent and answered, offline ones queued or expired', async () => {
      const online = await Promise.all([1, 2, 3].map(() => commandDevice(gw, ok)));
      const offline = await createDevice(gw);
      const deviceIds = [...online.map((d) => d.id), offline.id];
      const res = await gw.api.post('/v1/iot/commands/batch', { deviceIds, command: 'turnOff', ttlSeconds: 120 });
      expect(res.status).toBe(202);
      const items = res.body.data.items;
      expect(items.map((c: any) => c.deviceId)).toEqual(deviceIds);
      expect(items[3].status).toBe('queued');
      for (const item of items.slice(0, 3)) {
        expect(['sent', 'delivered', 'succeeded']).toContain(item.status);
        await waitForStatus(gw, item.id, 'succeeded');
      }
      for (const d of online) expect(d.received.map((c) => c.command)).toEqual(['turnOff']);

      // without TTL, an offline member ends expired at once (DEVICE_OFFLINE); the others still go
      const now = await gw.api.post('/v1/iot/commands/batch', {
        deviceIds: [online[0]!.id, offline.id],
        command: 'ping',
      });
      expect(now.status).toBe(202);
      expect(now.body.data.items[1]).toMatchObject({ status: 'expired', error: { code: 'DEVICE_OFFLINE' } });
      expect((await commandEvents(gw, now.body.data.items[1].id)).map((e) => e.type)).toEqual(['command.expired']);
      await waitForStatus(gw, now.body.data.items[0].id, 'succeeded');

      // an Idempotency-Key replays the batch
      const headers = { 'Idempotency-Key': `batch-${offline.id}` };
      const b1 = await gw.api.post(
        '/v1/iot/commands/batch',
        { deviceIds: [offline.id], command: 'b', ttlSeconds: 60 },
        headers,
      );
      const b2 = await gw.api.post(
        '/v1/iot/commands/batch',
        { deviceIds: [offline.id], command: 'b', ttlSeconds: 60 },
        headers,
      );
      expect(b2.status).toBe(202);
      expect(b2.body.data.items.map((c: any) => c.id)).toEqual(b1.body.data.items.map((c: any) => c.id));
      for (const d of online) await endClient(d.client);
    });

    it('refuses unknown or disabled devices (42201, per field), duplicates and more than 100 (40001)', async () => {
      const device = await createDevice(gw);
      const disabled = await createDevice(gw, { disabled: true });
      const res = await gw.api.post('/v1/iot/commands/batch', {
        deviceIds: [device.id, 'ghost', disabled.id],
        command: 'x',
        ttlSeconds: 60,
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe(42201);
      expect(res.body.errors.map((e: any) => e.field)).toEqual(['deviceIds[1]', 'deviceIds[2]']);
      expect((await gw.api.get(`/v1/iot/devices/${device.id}/commands`)).body.data.items).toEqual([]);
      const dup = await gw.api.post('/v1/iot/commands/batch', { deviceIds: [device.id, device.id], command: 'x' });
      expect(dup.status).toBe(400);
      expect(dup.body.errors[0].field).toBe('deviceIds[1]');
      const many = Array.from({ length: 101 }, (_, i) => `d${i}`);
      expect((await gw.api.post('/v1/iot/commands/batch', { deviceIds: many, command: 'x' })).status).toBe(400);
      expect((await gw.api.post('/v1/iot/commands/batch', { deviceIds: [], command: 'x' })).status).toBe(400);
    });
  });
});
