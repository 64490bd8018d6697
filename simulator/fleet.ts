import { EventEmitter } from 'node:events';
import type { AlertSeverity, CommandPayload, CommandReply } from '../src/broker/topics.js';
import { type DeviceCredentials, provisionDevices, type ProvisionOptions } from './credentials.js';
import { SimulatedDevice, type SimulatedDeviceOptions } from './simulated-device.js';

export interface FleetOptions extends Partial<SimulatedDeviceOptions> {
  brokerUrl: string;
  devices: DeviceCredentials[];
  /** telemetry period per device, ms; 0 = none */
  telemetryIntervalMs?: number;
  /** devices connecting at the same time (a big fleet does not storm the gateway) */
  connectConcurrency?: number;
}

export interface FleetStats {
  devices: number;
  connected: number;
  /** telemetry messages published per second, over the last few seconds */
  telemetryPerSecond: number;
  telemetrySent: number;
  commandsAnswered: number;
  commandErrors: number;
  alertsRaised: number;
  alertsCleared: number;
}

export interface FleetEvents {
  command: [deviceId: string, command: CommandPayload, reply: CommandReply];
  connected: [deviceId: string];
  disconnected: [deviceId: string];
  error: [deviceId: string, error: Error];
}

/** the telemetry rate is averaged over this many seconds */
const RATE_SECONDS = 5;

/**
 * A fleet of simulated lamps: the programmatic API behind the `simulator` CLI, for the demo and the benchmarks.
 *
 * ```ts
 * const devices = await Fleet.provision({ apiUrl, apiKey, count: 10, prefix: 'lamp' });
 * const fleet = new Fleet({ brokerUrl: 'mqtt://localhost:1883', devices, telemetryIntervalMs: 1000 });
 * await fleet.start();
 * fleet.stats(); // {connected: 10, telemetryPerSecond: 10, commandsAnswered: 0, …}
 * await fleet.stop();
 * ```
 */
export class Fleet extends EventEmitter<FleetEvents> {
  readonly devices: SimulatedDevice[];
  private telemetryTimer: NodeJS.Timeout | undefined;
  /** telemetry messages per second (epoch seconds → count), for the rate */
  private readonly telemetryBuckets = new Map<number, number>();
  private counters = { telemetrySent: 0, commandsAnswered: 0, commandErrors: 0, alertsRaised: 0, alertsCleared: 0 };

  static provision(options: ProvisionOptions): Promise<DeviceCredentials[]> {
    return provisionDevices(options);
  }

  constructor(private readonly options: FleetOptions) {
    super();
    const deviceOptions: SimulatedDeviceOptions = {
      brokerUrl: options.brokerUrl,
      commandDelayMs: options.commandDelayMs ?? 100,
      rebootDelayMs: options.rebootDelayMs ?? 3000,
      keepaliveSeconds: options.keepaliveSeconds ?? 30,
      telemetryQos: options.telemetryQos ?? 1,
    };
    this.devices = options.devices.map((credentials) => {
      const device = new SimulatedDevice(credentials, deviceOptions);
      device.on('command', (command, reply) => {
        this.counters.commandsAnswered++;
        if (reply.status === 'error') this.counters.commandErrors++;
        this.emit('command', device.id, command, reply);
      });
      device.on('telemetry', () => {
        this.counters.telemetrySent++;
        const second = Math.floor(Date.now() / 1000);
        this.telemetryBuckets.set(second, (this.telemetryBuckets.get(second) ?? 0) + 1);
      });
      device.on('connected', () => this.emit('connected', device.id));
      device.on('disconnected', () => this.emit('disconnected', device.id));
      device.on('error', (err) => this.emit('error', device.id, err));
      return device;
    });
  }

  /** Connects every device (a failure is reported and retried in the background); starts telemetry. */
  async start(): Promise<void> {
    const concurrency = this.options.connectConcurrency ?? 50;
    for (let i = 0; i < this.devices.length; i += concurrency) {
      await Promise.all(this.devices.slice(i, i + concurrency).map((d) => d.restore()));
    }
    const interval = this.options.telemetryIntervalMs ?? 0;
    if (interval > 0) {
      // one timer for the fleet; each device publishes once per interval, spread over it
      const tick = Math.max(10, Math.floor(interval / Math.max(1, this.devices.length)));
      let next = 0;
      this.telemetryTimer = setInterval(() => {
        const due = Math.max(1, Math.round((this.devices.length * tick) / interval));
        for (let n = 0; n < due; n++) {
          this.devices[next]?.publishTelemetry();
          next = (next + 1) % this.devices.length;
        }
      }, tick);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.telemetryTimer);
    await Promise.all(this.devices.map((d) => d.stop()));
  }

  device(id: string): SimulatedDevice | undefined {
    return this.devices.find((d) => d.id === id);
  }

  /** Drops the connections of `count` connected devices (random ones); returns their ids. */
  drop(count = 1): string[] {
    const victims = shuffle(this.devices.filter((d) => d.connected)).slice(0, count);
    for (const d of victims) d.drop();
    return victims.map((d) => d.id);
  }

  /** Reconnects every dropped device. */
  async restore(): Promise<number> {
    const down = this.devices.filter((d) => !d.connected);
    await Promise.all(down.map((d) => d.restore()));
    return down.length;
  }

  /** Raises an alert on a random connected device (or the one given); returns its id. */
  raiseAlert(type = 'overheat', severity: AlertSeverity = 'warning', deviceId?: string): string | undefined {
    const device = deviceId ? this.device(deviceId) : shuffle(this.devices.filter((d) => d.connected))[0];
    const temperature = 70 + Math.round(Math.random() * 20);
    if (!device?.raiseAlert(type, severity, `LED driver at ${temperature} °C`, { celsius: temperature })) return;
    this.counters.alertsRaised++;
    return device.id;
  }

  /** Clears an alert type on every connected device; returns how many were sent. */
  clearAlerts(type = 'overheat'): number {
    let sent = 0;
    for (const d of this.devices) if (d.clearAlert(type)) sent++;
    this.counters.alertsCleared += sent;
    return sent;
  }

  stats(): FleetStats {
    // the last complete seconds of the window
    const now = Math.floor(Date.now() / 1000);
    let recent = 0;
    for (const [second, count] of this.telemetryBuckets) {
      if (second < now - RATE_SECONDS) this.telemetryBuckets.delete(second);
      else if (second < now) recent += count;
    }
    return {
      devices: this.devices.length,
      connected: this.devices.filter((d) => d.connected).length,
      telemetryPerSecond: Math.round((recent / RATE_SECONDS) * 10) / 10,
      ...this.counters,
    };
  }
}

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
