import { Aedes, type Client } from 'aedes';
import mqtt from 'mqtt';
import { createServer, type Server } from 'node:net';
import { subscriptionsOf, watchPubacks } from './aedes-internals.js';

/** The internals the broker relies on, checked against the pinned Aedes with a real client over TCP. */
describe('aedes internals', () => {
  let aedes: Aedes;
  let server: Server;
  let port: number;
  const pubacks: number[] = [];
  let brokerClient: Promise<Client>;

  beforeAll(async () => {
    aedes = await Aedes.createBroker();
    brokerClient = new Promise((resolve) => aedes.once('clientReady', resolve));
    server = createServer((socket) => {
      const client = aedes.handle(socket);
      expect(watchPubacks(client, (id) => pubacks.push(id))).toBe(true);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reports subscriptions and the message id of each PUBACK (clean session)', async () => {
    const device = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId: 'd1', protocolVersion: 4, clean: true });
    try {
      await new Promise((resolve) => device.once('connect', resolve));
      await new Promise((resolve, reject) =>
        device.subscribe('devices/d1/commands/+', { qos: 1 }, (err) => (err ? reject(err) : resolve(undefined))),
      );
      const client = await brokerClient;
      expect(subscriptionsOf(client)).toEqual(new Map([['devices/d1/commands/+', 1]]));
      const received = new Promise((resolve) => device.once('message', resolve));
      // a message id chosen by the publisher is kept (BrokerService sets it in authorizeForward)
      aedes.authorizeForward = (_client, packet) => Object.assign(packet, { messageId: 4242 });
      client.publish(
        {
          cmd: 'publish',
          topic: 'devices/d1/commands/c1',
          payload: Buffer.from('{}'),
          qos: 1,
          retain: false,
          dup: false,
        },
        () => undefined,
      );
      await received;
      await waitUntil(() => pubacks.includes(4242));
    } finally {
      device.end(true);
    }
  });

  it('refuses objects without the expected internals', () => {
    expect(watchPubacks({}, () => undefined)).toBe(false);
    expect(subscriptionsOf({})).toBeUndefined();
  });
});

async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(check()).toBe(true);
}
