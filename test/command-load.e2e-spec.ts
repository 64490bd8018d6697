import { commandDevice, sendCommand } from './helpers/commands.js';
import { endClient } from './helpers/devices.js';
import { type Gateway, startGateway } from './helpers/gateway.js';

describe('commands under load', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway();
  }, 60_000);
  afterAll(() => gw.stop());

  it('200 concurrent synchronous commands to 50 devices are each answered with their own reply', async () => {
    const devices = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        commandDevice(gw, (c) => ({ status: 'ok', result: { device: `load-${i}`, n: c.params.n, id: c.id } }), {
          device: { id: `load-${i}` },
        }),
      ),
    );
    const requests = Array.from({ length: 200 }, (_, n) => ({ deviceId: `load-${n % 50}`, n }));
    const answers = await Promise.all(
      requests.map(({ deviceId, n }) =>
        sendCommand(gw, deviceId, { command: 'compute', params: { n }, timeoutMs: 60000 }),
      ),
    );
    answers.forEach((res, index) => {
      const { deviceId, n } = requests[index]!;
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ deviceId, status: 'succeeded', params: { n } });
      expect(res.body.data.result).toEqual({ device: deviceId, n, id: res.body.data.id });
    });
    expect(new Set(answers.map((a) => a.body.data.id)).size).toBe(200);
    for (const device of devices) {
      expect(device.received.map((c) => c.params.n).sort((a, b) => Number(a) - Number(b))).toEqual(
        requests.filter((r) => r.deviceId === device.id).map((r) => r.n),
      );
    }
    await Promise.all(devices.map((d) => endClient(d.client)));
  }, 180_000);
});
