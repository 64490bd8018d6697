import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { connect as tcpConnect, type Socket } from 'node:net';
import type { Gateway } from './gateway.js';

/** A device as the registry returned it, with the token it was given. */
export interface TestDevice {
  id: string;
  password: string;
  body: any;
}

export type Transport = 'tcp' | 'ws';

export async function createDevice(gw: Gateway, body: Record<string, unknown> = {}): Promise<TestDevice> {
  const res = await gw.api.post('/v1/iot/devices', body);
  if (res.status !== 201) throw new Error(`device not created: ${res.status} ${res.text}`);
  return { id: res.body.data.id, password: res.body.data.credentials.password, body: res.body.data };
}

export function brokerUrl(gw: Gateway, transport: Transport): string {
  return transport === 'tcp' ? `mqtt://127.0.0.1:${gw.mqttPort}` : `ws://127.0.0.1:${gw.httpPort}/mqtt`;
}

export interface ConnectOptions {
  transport?: Transport;
  clientId?: string;
  username?: string;
  password?: string;
  keepalive?: number;
  protocolVersion?: 4 | 5;
  /** clean session (default true) */
  clean?: boolean;
}

/** An MQTT 3.1.1 client that does not reconnect by itself (tests decide). */
function clientFor(gw: Gateway, device: { id: string; password: string }, options: ConnectOptions): MqttClient {
  const settings: IClientOptions = {
    protocolVersion: options.protocolVersion ?? 4,
    clientId: options.clientId ?? device.id,
    username: options.username ?? device.id,
    password: options.password ?? device.password,
    keepalive: options.keepalive ?? 60,
    reconnectPeriod: 0,
    connectTimeout: 20_000,
    clean: options.clean ?? true,
  };
  return mqtt.connect(brokerUrl(gw, options.transport ?? 'tcp'), settings);
}

/** Connects as the device; rejects with an error whose `code` is the CONNACK return code when refused. */
export function connectDevice(
  gw: Gateway,
  device: { id: string; password: string },
  options: ConnectOptions = {},
): Promise<MqttClient> {
  const client = clientFor(gw, device, options);
  return new Promise((resolve, reject) => {
    client.once('connect', () => {
      // errors after this point (the gateway closing the connection) are what tests look at, not failures
      client.on('error', () => undefined);
      resolve(client);
    });
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
    client.once('close', () => reject(new Error('connection closed before CONNACK')));
  });
}

/** The CONNACK return code a connection attempt gets (0 = accepted; the client is then closed). */
export async function connackCode(
  gw: Gateway,
  device: { id: string; password: string },
  options: ConnectOptions = {},
): Promise<number> {
  try {
    const client = await connectDevice(gw, device, options);
    await endClient(client);
    return 0;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    throw err;
  }
}

export function publish(client: MqttClient, topic: string, payload: string | Buffer, qos: 0 | 1 = 1): Promise<void> {
  return new Promise((resolve, reject) => {
    client.publish(topic, payload, { qos }, (err) => (err ? reject(err) : resolve()));
  });
}

/** Subscribes; resolves with the granted QoS of each topic (128 = refused). */
export function subscribe(client: MqttClient, topics: string[]): Promise<number[]> {
  return new Promise((resolve, reject) => {
    // mqtt.js reports any refusal as an error, with the SUBACK still attached
    client.subscribe(topics, { qos: 1 }, (err, _granted, packet) => {
      const suback = packet as { granted?: number[] } | undefined;
      if (!suback?.granted) return reject(err ?? new Error('no SUBACK'));
      resolve(suback.granted);
    });
  });
}

/** Resolves when the connection is closed (by either side). */
export function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => {
    client.once('close', () => resolve());
    if (!client.connected && client.stream?.destroyed) resolve();
  });
}

/** Clean disconnect: sends DISCONNECT and waits for the socket to close. */
export async function endClient(client: MqttClient): Promise<void> {
  if (!client.connected) {
    client.end(true);
    return;
  }
  await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
}

/** Drops the socket without a DISCONNECT packet (a device losing its network). */
export function dropConnection(client: MqttClient): void {
  client.stream.destroy();
}

/**
 * Polls until `probe` returns something other than undefined/false. For state that the gateway writes
 * asynchronously (presence, batched telemetry); the timeout is generous because the machine may be loaded.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function getDevice(gw: Gateway, id: string): Promise<any> {
  const res = await gw.api.get(`/v1/iot/devices/${encodeURIComponent(id)}`);
  if (res.status !== 200) throw new Error(`GET device ${id}: ${res.status} ${res.text}`);
  return res.body.data;
}

/** Waits until the device's stored state satisfies `predicate`; returns it. */
export function waitForDevice(gw: Gateway, id: string, predicate: (device: any) => boolean, what: string) {
  return waitFor(async () => {
    const device = await getDevice(gw, id);
    return predicate(device) ? device : undefined;
  }, what);
}

/** Every event of these types in the event log, oldest first (all cursor pages). */
export async function eventsOfTypes(gw: Gateway, types: string[]): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `/v1/events?limit=100&order=asc&type[in]=${types.join(',')}${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await gw.api.get(query);
    if (res.status !== 200) throw new Error(`GET events: ${res.status} ${res.text}`);
    items.push(...res.body.data.items);
    cursor = res.body.cursor.next;
  } while (cursor);
  return items;
}

/** Events of these types about this device, oldest first. */
export async function deviceEvents(gw: Gateway, deviceId: string, types: string[]): Promise<any[]> {
  return (await eventsOfTypes(gw, types)).filter((e) => e.data.device?.id === deviceId);
}

/** Presence events of the device as `type:reason` strings, oldest first. */
export async function presenceOf(gw: Gateway, deviceId: string): Promise<string[]> {
  const events = await deviceEvents(gw, deviceId, ['device.online', 'device.offline']);
  return events.map((e) => `${e.type}:${e.data.reason}`);
}

/** One sample of a Prometheus metric (0 when absent). */
export async function metric(gw: Gateway, name: string, labels: Record<string, string> = {}): Promise<number> {
  const res = await gw.api.get('/metrics');
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of res.text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([^{\s]+)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = (match[2] ?? '').split(',');
    if (wanted.every((w) => present.includes(w))) return Number(match[3]);
  }
  return 0;
}

/**
 * A bare TCP socket speaking just enough MQTT 3.1.1 to CONNECT with a keepalive and then stay silent: the
 * one thing a well-behaved client library will not do for us (it always sends PINGREQs).
 */
export async function silentDevice(
  gw: Gateway,
  device: { id: string; password: string },
  keepaliveSeconds: number,
): Promise<{ socket: Socket; connack: number; closed: Promise<void> }> {
  const socket = tcpConnect(gw.mqttPort!, '127.0.0.1');
  const closedPromise = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(connectPacket(device.id, device.id, device.password, keepaliveSeconds));
  const connack = await new Promise<number>((resolve, reject) => {
    socket.once('data', (data: Buffer) => (data[0] === 0x20 ? resolve(data[3]!) : reject(new Error('no CONNACK'))));
  });
  return { socket, connack, closed: closedPromise };
}

function connectPacket(clientId: string, username: string, password: string, keepalive: number): Buffer {
  const str = (s: string) => {
    const b = Buffer.from(s);
    return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
  };
  const variable = Buffer.concat([str('MQTT'), Buffer.from([4, 0xc2, keepalive >> 8, keepalive & 0xff])]);
  const body = Buffer.concat([variable, str(clientId), str(username), str(password)]);
  return Buffer.concat([Buffer.from([0x10]), remainingLength(body.length), body]);
}

/** The variable-length "remaining length" of an MQTT fixed header. */
export function remainingLength(n: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    bytes.push(byte);
  } while (n > 0);
  return Buffer.from(bytes);
}
