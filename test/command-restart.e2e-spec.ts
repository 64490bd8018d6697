import { answerCommands, commandDevice, commandEvents, getCommand, sendCommand } from './helpers/commands.js';
import { connectDevice, createDevice, endClient, waitFor } from './helpers/devices.js';
import { createStorage, type Gateway, startGateway, type Storage } from './helpers/gateway.js';

describe('commands across a gateway crash', () => {
  let storage: Storage;
  let gw: Gateway;
  beforeAll(() => {
    storage = createStorage();
  });
  afterAll(async () => {
    await gw?.stop();
    await storage.drop();
  });

  it('queued commands survive and are delivered; in-flight ones end timed_out', async () => {
    gw = await startGateway({ storage });
    const sleeper = await createDevice(gw, { id: 'restart-sleeper' });
    const queued: string[] = [];
    for (const n of [1, 2, 3]) {
      const res = await sendCommand(gw, sleeper.id, { command: `q${n}`, ttlSeconds: 600 });
      expect(res.status).toBe(202);
      queued.push(res.body.data.id);
    }
    const silent = await commandDevice(gw, () => 'silent', { device: { id: 'restart-silent' } });
    // due while the gateway is down
    const past = (await sendCommand(gw, silent.id, { command: 'p', async: true, timeoutMs: 1000 })).body.data;
    // still due after the restart: its timer is set again at start
    const future = (await sendCommand(gw, silent.id, { command: 'f', async: true, timeoutMs: 8000 })).body.data;
    await waitFor(() => silent.received.length === 2, 'both in flight');
    expect(['sent', 'delivered']).toContain((await getCommand(gw, future.id)).status);

    await gw.kill();
    await waitFor(() => Date.now() > Date.parse(past.sentAt) + 1000, 'the first deadline passed');
    gw = await startGateway({ storage });

    const timedOut = await getCommand(gw, past.id);
    expect(timedOut).toMatchObject({ status: 'timed_out', error: { code: 'TIMED_OUT' } });
    expect((await commandEvents(gw, past.id)).map((e) => e.type)).toEqual(['command.timed_out']);
    for (const id of queued) expect((await getCommand(gw, id)).status).toBe('queued');

    const client = await connectDevice(gw, sleeper);
    const received = await answerCommands(client, sleeper.id, (c) => ({ status: 'ok', result: c.command }));
    const last = await waitFor(async () => {
      const c = await getCommand(gw, queued[2]!);
      return c.status === 'succeeded' ? c : undefined;
    }, 'queued commands delivered after the restart');
    expect(last.result).toBe('q3');
    expect(received.map((c) => c.id)).toEqual(queued);

    const later = await waitFor(
      async () => {
        const c = await getCommand(gw, future.id);
        return c.status === 'timed_out' ? c : undefined;
      },
      'the in-flight command timed out after the restart',
      30_000,
    );
    expect(later.error.code).toBe('TIMED_OUT');
    await endClient(client);
    silent.client.end(true);
  }, 120_000);

  it('SIGTERM answers a waiting synchronous call (202, the command still in flight) and exits cleanly', async () => {
    const own = createStorage();
    const gateway = await startGateway({ storage: own });
    try {
      const silent = await commandDevice(gateway, () => 'silent');
      const pending = sendCommand(gateway, silent.id, { command: 'slow', timeoutMs: 60000 });
      await silent.nth(1);
      expect(await gateway.stop()).toBe(0);
      const res = await pending;
      expect(res.status).toBe(202);
      expect(['sent', 'delivered']).toContain(res.body.data.status);
      silent.client.end(true);
    } finally {
      await own.drop();
    }
  }, 60_000);
});
