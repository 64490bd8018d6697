import { EventEmitter } from 'node:events';
import mqtt, { type MqttClient } from 'mqtt';
import {
  type AlertSeverity,
  type CommandPayload,
  commandPayloadSchema,
  type CommandReply,
  deviceTopics,
  parseTopic,
  type TelemetryValue,
} from '../src/broker/topics.js';
import type { DeviceCredentials } from './credentials.js';

export interface SimulatedDeviceOptions {
  /** `mqtt://host:1883` or `ws://host:3000/mqtt` */
  brokerUrl: string;
  /** how long a command takes to execute before the reply, ms */
  commandDelayMs: number;
  /** how long `reboot` keeps the device offline, ms */
  rebootDelayMs: number;
  keepaliveSeconds: number;
  telemetryQos: 0 | 1;
}

/** What a device reports (`command`, `telemetry`, …) for the fleet's counters and log. */
export interface DeviceEvents {
  connected: [];
  disconnected: [];
  command: [command: CommandPayload, reply: CommandReply];
  telemetry: [];
  error: [error: Error];
}

/** Delay before reconnecting after an unexpected loss: grows to this, with jitter. */
const MAX_RECONNECT_MS = 10_000;

/**
 * One simulated lamp: an MQTT 3.1.1 client with the device's own credentials, subscribed to its command topic,
 * answering `turnOn` / `turnOff` / `setBrightness` / `reboot` (anything else: an error reply), publishing
 * telemetry and alerts on request. It reconnects by itself after an unexpected loss, and stays down when
 * dropped on purpose (until `restore`). Topics and payloads come from the gateway's contract (src/broker/topics).
 */
export class SimulatedDevice extends EventEmitter<DeviceEvents> {
  readonly id: string;
  /** the lamp's state (what the commands change and telemetry reports) */
  isOn = false;
  brightness = 100;
  private client: MqttClient | undefined;
  private state: 'down' | 'connecting' | 'up' | 'dropped' | 'rebooting' | 'stopped' = 'down';
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private readonly startedAt = Date.now();
  /** replies to the last commands: a redelivered command gets the same answer, without running twice */
  private readonly answered = new Map<string, CommandReply>();

  constructor(
    private readonly credentials: DeviceCredentials,
    private readonly options: SimulatedDeviceOptions,
  ) {
    super();
    this.id = credentials.id;
  }

  get connected(): boolean {
    return this.state === 'up';
  }

  /** Connects (and subscribes); resolves when the device is online, or rejects with the CONNACK error. */
  connect(): Promise<void> {
    if (this.state === 'stopped') return Promise.resolve();
    this.state = 'connecting';
    const client = mqtt.connect(this.options.brokerUrl, {
      protocolVersion: 4,
      clientId: this.id,
      username: this.id,
      password: this.credentials.password,
      clean: true,
      keepalive: this.options.keepaliveSeconds,
      reconnectPeriod: 0, // reconnection is ours: a dropped device must stay down until restored
      connectTimeout: 15_000,
    });
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('close', () => this.onClose(client));
    return new Promise((resolve, reject) => {
      client.once('connect', () => {
        client.subscribe(deviceTopics.commandSubscription(this.id), { qos: 1 }, (err) => {
          if (err || this.client !== client) return reject(err ?? new Error('replaced'));
          this.state = 'up';
          this.failures = 0;
          this.emit('connected');
          resolve();
        });
      });
      client.once('error', (err) => {
        client.end(true);
        reject(err);
      });
      client.once('close', () => reject(new Error('connection closed before CONNACK')));
    });
  }

  /** Drops the connection without DISCONNECT (a lost network); the device stays down until {@link restore}. */
  drop(): void {
    if (this.state === 'stopped') return;
    this.state = 'dropped';
    clearTimeout(this.reconnectTimer);
    this.client?.end(true);
  }

  /** Reconnects a dropped device. */
  restore(): Promise<void> {
    if (this.state !== 'dropped' && this.state !== 'down') return Promise.resolve();
    return this.connect().catch((err: unknown) => this.failed(err));
  }

  /** Clean disconnect (DISCONNECT packet), for good. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    if (client && client.connected) await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    else client?.end(true);
  }

  /** Publishes one telemetry message: the lamp's state and a few noisy sensor values. */
  publishTelemetry(): boolean {
    if (!this.connected) return false;
    const values: Record<string, TelemetryValue> = {
      on: this.isOn,
      brightness: this.brightness,
      temperature: round(21 + (this.isOn ? this.brightness / 25 : 0) + Math.random() * 2 - 1),
      humidity: round(45 + Math.random() * 10),
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
    };
    this.client!.publish(deviceTopics.telemetry(this.id), JSON.stringify(values), { qos: this.options.telemetryQos });
    this.emit('telemetry');
    return true;
  }

  raiseAlert(type: string, severity: AlertSeverity, message: string, data?: Record<string, unknown>): boolean {
    if (!this.connected) return false;
    const payload = { type, severity, message, ...(data && { data }) };
    this.client!.publish(deviceTopics.alerts(this.id), JSON.stringify(payload), { qos: 1 });
    return true;
  }

  clearAlert(type: string): boolean {
    if (!this.connected) return false;
    this.client!.publish(deviceTopics.alerts(this.id), JSON.stringify({ type, status: 'cleared' }), { qos: 1 });
    return true;
  }

  private onMessage(topic: string, payload: Buffer): void {
    const parsed = parseTopic(topic);
    if (parsed?.kind !== 'command' || parsed.deviceId !== this.id) return;
    let command: CommandPayload;
    try {
      command = commandPayloadSchema.parse(JSON.parse(payload.toString('utf8')));
    } catch (err) {
      this.emit('error', new Error(`malformed command on ${topic}: ${String(err)}`));
      return;
    }
    const earlier = this.answered.get(command.id);
    if (earlier) return void this.reply(command, earlier);
    // the gateway has given up on it (a late redelivery): do not act on it
    if (command.expiresAt && Date.parse(command.expiresAt) < Date.now()) return;
    setTimeout(() => this.execute(command), this.options.commandDelayMs);
  }

  private execute(command: CommandPayload): void {
    const reply = this.run(command);
    this.answered.set(command.id, reply);
    if (this.answered.size > 200) this.answered.delete(this.answered.keys().next().value!);
    this.reply(command, reply);
    if (command.command === 'reboot' && reply.status === 'ok') void this.reboot();
  }

  private run(command: CommandPayload): CommandReply {
    const params = command.params;
    const brightness = params.brightness;
    const validBrightness = (v: unknown): v is number =>
      Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 100;
    switch (command.command) {
      case 'turnOn':
        if (brightness !== undefined && !validBrightness(brightness)) return invalid('brightness must be 0..100');
        this.isOn = true;
        if (brightness !== undefined) this.brightness = brightness;
        return { status: 'ok', result: { on: true, brightness: this.brightness } };
      case 'turnOff':
        this.isOn = false;
        return { status: 'ok', result: { on: false, brightness: this.brightness } };
      case 'setBrightness':
        if (!validBrightness(brightness)) return invalid('brightness (0..100) is required');
        this.brightness = brightness;
        return { status: 'ok', result: { on: this.isOn, brightness } };
      case 'reboot':
        return { status: 'ok', result: { rebooting: true, downtimeMs: this.options.rebootDelayMs } };
      default:
        return { status: 'error', error: { code: 'UNKNOWN_COMMAND', message: `unknown command: ${command.command}` } };
    }
  }

  private reply(command: CommandPayload, reply: CommandReply): void {
    this.client?.publish(deviceTopics.commandReply(this.id, command.id), JSON.stringify(reply), { qos: 1 });
    this.emit('command', command, reply);
    if (reply.status === 'ok' && command.command !== 'reboot') this.publishTelemetry();
  }

  /** Goes offline cleanly once the reply is out, stays off for the reboot delay, then comes back. */
  private async reboot(): Promise<void> {
    const client = this.client;
    if (!client || this.state !== 'up') return;
    this.state = 'rebooting';
    await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    this.isOn = false;
    this.reconnectTimer = setTimeout(() => {
      if (this.state === 'rebooting') void this.connect().catch((err: unknown) => this.failed(err));
    }, this.options.rebootDelayMs);
  }

  private onClose(client: MqttClient): void {
    if (client !== this.client) return;
    const wasUp = this.state === 'up';
    if (wasUp) this.emit('disconnected');
    if (this.state === 'up' || this.state === 'connecting') {
      this.state = 'down';
      this.scheduleReconnect();
    }
  }

  private failed(err: unknown): void {
    this.emit('error', err instanceof Error ? err : new Error(String(err)));
    if (this.state === 'connecting') {
      this.state = 'down';
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    this.failures++;
    const delay = Math.min(MAX_RECONNECT_MS, 500 * 2 ** Math.min(this.failures, 5)) * (0.5 + Math.random() / 2);
    this.reconnectTimer = setTimeout(() => {
      if (this.state === 'down') void this.connect().catch((err: unknown) => this.failed(err));
    }, delay);
  }
}

function invalid(message: string): CommandReply {
  return { status: 'error', error: { code: 'INVALID_PARAMS', message } };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
