import { createServer, type Server } from 'node:net';
import {
  closed,
  connectDevice,
  createDevice,
  getDevice,
  presenceOf,
  type TestDevice,
  waitForDevice,
} from './helpers/devices.js';
import { createStorage, runGatewayExpectingFailure, startGateway } from './helpers/gateway.js';

/** Each test starts one or two gateways: allow for a loaded machine. */
const TWO_STARTS_MS = 120_000;

describe('broker lifecycle', () => {
  it(
    'a crash (SIGKILL) leaves devices online in the database; the next start sets them offline with gateway_restart',
    async () => {
      const storage = createStorage();
      try {
        const first = await startGateway({ storage });
        const devices: TestDevice[] = [];
        for (const id of ['crash-1', 'crash-2']) devices.push(await createDevice(first, { id }));
        const clients = await Promise.all(devices.map((d) => connectDevice(first, d, { transport: 'tcp' })));
        for (const d of devices) await waitForDevice(first, d.id, (x) => x.status === 'online', `${d.id} online`);
        await first.kill();
        for (const c of clients) c.end(true);

        const second = await startGateway({ storage });
        try {
          for (const d of devices) {
            const device = await getDevice(second, d.id);
            expect(device).toMatchObject({ status: 'offline', lastDisconnectReason: 'gateway_restart' });
            expect(await presenceOf(second, d.id)).toEqual([
              'device.online:client_connect',
              'device.offline:gateway_restart',
            ]);
          }
          // and they can come back
          const again = await connectDevice(second, devices[0]!);
          await waitForDevice(second, 'crash-1', (x) => x.status === 'online', 'online again');
          again.end(true);
        } finally {
          await second.stop();
        }
      } finally {
        await storage.drop();
      }
    },
    TWO_STARTS_MS,
  );

  it(
    'a graceful stop (SIGTERM) disconnects devices with gateway_shutdown; the next start finds nothing to recover',
    async () => {
      const storage = createStorage();
      try {
        const first = await startGateway({ storage });
        const device = await createDevice(first, { id: 'shutdown-1' });
        const tcp = await connectDevice(first, device, { transport: 'tcp' });
        const other = await createDevice(first, { id: 'shutdown-2' });
        const ws = await connectDevice(first, other, { transport: 'ws' });
        for (const id of ['shutdown-1', 'shutdown-2']) await waitForDevice(first, id, (x) => x.status === 'online', id);
        const gone = Promise.all([closed(tcp), closed(ws)]);
        expect(await first.stop()).not.toBe(1);
        await gone;

        const second = await startGateway({ storage });
        try {
          for (const id of ['shutdown-1', 'shutdown-2']) {
            expect(await getDevice(second, id)).toMatchObject({
              status: 'offline',
              lastDisconnectReason: 'gateway_shutdown',
            });
            expect(await presenceOf(second, id)).toEqual([
              'device.online:client_connect',
              'device.offline:gateway_shutdown',
            ]);
          }
        } finally {
          await second.stop();
        }
      } finally {
        await storage.drop();
      }
    },
    TWO_STARTS_MS,
  );

  it(
    'stops with one clear line when the MQTT port is taken',
    async () => {
      const blocker: Server = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const port = (blocker.address() as { port: number }).port;
      const storage = createStorage();
      try {
        const { code, output } = await runGatewayExpectingFailure({
          ...storage.env,
          HTTP_HOST: '127.0.0.1',
          HTTP_PORT: '0',
          MQTT_PORT: String(port),
        });
        expect(code).toBe(1);
        expect(output.trim()).toBe(`MQTT port ${port} is in use — is another broker running? Set MQTT_PORT.`);
      } finally {
        blocker.close();
        await storage.drop();
      }
    },
    TWO_STARTS_MS,
  );
});
