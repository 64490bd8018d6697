#!/usr/bin/env node
import { parseArgs } from 'node:util';
import type { DeviceCredentials } from './credentials.js';
import { readCredentials, writeCredentials } from './credentials.js';
import { Fleet, type FleetStats } from './fleet.js';

const USAGE = `Device simulator: a fleet of simulated lamps for the IoT gateway.

Usage: npm run simulator -- [options]

Devices (one of):
  --count N                 provision N devices through the REST API (default 10)
  --credentials FILE        use the devices in FILE instead: [{"id": "...", "password": "..."}]
Provisioning:
  --api-url URL             the gateway's HTTP address (default http://localhost:3000)
  --api-key KEY             an API key with the write scope (default: $API_KEY)
  --prefix NAME             device ids are NAME-1 … NAME-N (default sim); existing ones get new tokens
  --save-credentials FILE   write the provisioned credentials to FILE (JSON, mode 600)
Connection:
  --transport tcp|ws        MQTT over TCP or WebSocket (default tcp)
  --mqtt-url URL            broker address (default mqtt://<api host>:1883, or ws://<api host:port>/mqtt)
  --keepalive SECONDS       MQTT keepalive (default 30)
Behaviour:
  --interval MS             telemetry period per device, 0 = none (default 5000)
  --telemetry-qos 0|1       QoS of telemetry publishes (default 1)
  --command-delay MS        time a command takes before its reply (default 100)
  --reboot-delay MS         time offline after "reboot" (default 3000)
  --alert-every SECONDS     raise an overheat alert on a random device, clear it later (default 0 = never)
  --chaos SECONDS           drop a random 10% of the connections, restore them 5 s later (default 0 = never)
  --duration SECONDS        stop after this long (default 0 = until Ctrl-C)
  --quiet                   no command log and no summary line
  -h, --help                this help

Commands answered: turnOn {brightness?}, turnOff, setBrightness {brightness}, reboot; anything else gets an
error reply (UNKNOWN_COMMAND). Keys (on a terminal): a = raise an alert, c = clear alerts, d = drop a
connection, D = drop 10%, r = restore dropped connections, q = quit.`;

function fail(message: string): never {
  process.stderr.write(`simulator: ${message}\n(see --help)\n`);
  process.exit(2);
}

function int(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) fail(`--${name} expects a non-negative integer, got "${value}"`);
  return Number(value);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        count: { type: 'string' },
        credentials: { type: 'string' },
        'api-url': { type: 'string' },
        'api-key': { type: 'string' },
        prefix: { type: 'string' },
        'save-credentials': { type: 'string' },
        transport: { type: 'string' },
        'mqtt-url': { type: 'string' },
        keepalive: { type: 'string' },
        interval: { type: 'string' },
        'telemetry-qos': { type: 'string' },
        'command-delay': { type: 'string' },
        'reboot-delay': { type: 'string' },
        'alert-every': { type: 'string' },
        chaos: { type: 'string' },
        duration: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const apiUrl = (args['api-url'] ?? 'http://localhost:3000').replace(/\/+$/, '');
  const transport = args.transport ?? 'tcp';
  if (transport !== 'tcp' && transport !== 'ws') fail(`--transport expects tcp or ws, got "${transport}"`);
  let api: URL;
  try {
    api = new URL(apiUrl);
  } catch {
    fail(`--api-url is not a URL: "${apiUrl}"`);
  }
  const brokerUrl =
    args['mqtt-url'] ??
    (transport === 'tcp'
      ? `mqtt://${api.hostname}:1883`
      : `${api.protocol === 'https:' ? 'wss' : 'ws'}://${api.host}/mqtt`);
  const telemetryQos = int(args['telemetry-qos'], 'telemetry-qos', 1);
  if (telemetryQos > 1) fail('--telemetry-qos expects 0 or 1');
  const quiet = args.quiet ?? false;
  const log = (line: string) => {
    if (!quiet) summary.print(line);
  };

  let devices: DeviceCredentials[];
  if (args.credentials) {
    devices = readCredentials(args.credentials);
    log(`${devices.length} device(s) from ${args.credentials}`);
  } else {
    const apiKey = args['api-key'] ?? process.env.API_KEY;
    if (!apiKey) fail('--api-key (or $API_KEY) is needed to provision devices; or give --credentials FILE');
    const count = int(args.count, 'count', 10);
    if (count < 1) fail('--count must be at least 1');
    devices = await Fleet.provision({ apiUrl, apiKey, count, prefix: args.prefix ?? 'sim' });
    log(`provisioned ${devices.length} device(s) on ${apiUrl}: ${preview(devices.map((d) => d.id))}`);
    if (args['save-credentials']) {
      writeCredentials(args['save-credentials'], devices);
      log(`credentials written to ${args['save-credentials']}`);
    }
  }

  const fleet = new Fleet({
    brokerUrl,
    devices,
    telemetryIntervalMs: int(args.interval, 'interval', 5000),
    telemetryQos: telemetryQos as 0 | 1,
    commandDelayMs: int(args['command-delay'], 'command-delay', 100),
    rebootDelayMs: int(args['reboot-delay'], 'reboot-delay', 3000),
    keepaliveSeconds: int(args.keepalive, 'keepalive', 30),
  });
  fleet.on('command', (deviceId, command, reply) => {
    const outcome = reply.status === 'ok' ? `ok ${JSON.stringify(reply.result ?? null)}` : `error ${reply.error.code}`;
    log(`${deviceId} ← ${command.command} ${JSON.stringify(command.params)} → ${outcome}`);
  });
  const errorsLogged = new Map<string, string>();
  fleet.on('error', (deviceId, err) => {
    // one line per device and kind of error, not one per retry
    if (errorsLogged.get(deviceId) === err.message) return;
    errorsLogged.set(deviceId, err.message);
    summary.print(`${deviceId}: ${err.message}`);
  });
  fleet.on('connected', (deviceId) => errorsLogged.delete(deviceId));

  log(`connecting ${devices.length} device(s) to ${brokerUrl}`);
  await fleet.start();
  log(`${fleet.stats().connected}/${devices.length} connected`);
  if (!quiet) summary.start(() => fleet.stats());

  const timers: NodeJS.Timeout[] = [];
  const alertEvery = int(args['alert-every'], 'alert-every', 0);
  if (alertEvery > 0) {
    timers.push(
      setInterval(() => {
        const id = fleet.raiseAlert('overheat', Math.random() < 0.2 ? 'critical' : 'warning');
        if (id) log(`${id} raised an overheat alert`);
        setTimeout(() => fleet.device(id ?? '')?.clearAlert('overheat'), (alertEvery * 1000) / 2).unref();
      }, alertEvery * 1000),
    );
  }
  const chaos = int(args.chaos, 'chaos', 0);
  if (chaos > 0) {
    timers.push(
      setInterval(() => {
        const dropped = fleet.drop(Math.max(1, Math.round(devices.length / 10)));
        log(`chaos: dropped ${preview(dropped)}`);
        setTimeout(() => void fleet.restore(), 5000).unref();
      }, chaos * 1000),
    );
  }

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    for (const t of timers) clearInterval(t);
    summary.stop();
    log(`${why}: disconnecting`);
    await fleet.stop();
    const s = fleet.stats();
    process.stdout.write(`${summaryLine(s)}\n`);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  const duration = int(args.duration, 'duration', 0);
  if (duration > 0) setTimeout(() => void stop(`${duration} s elapsed`), duration * 1000);

  if (process.stdin.isTTY) {
    process.stdin.setRawMode(true);
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (key: string) => {
      if (key === 'q' || key === '\u0003') return void stop('quit');
      if (key === 'a') log(`alert raised on ${fleet.raiseAlert() ?? 'no connected device'}`);
      if (key === 'c') log(`alerts cleared on ${fleet.clearAlerts()} device(s)`);
      if (key === 'd') log(`dropped ${preview(fleet.drop(1))}`);
      if (key === 'D') log(`dropped ${preview(fleet.drop(Math.max(1, Math.round(devices.length / 10))))}`);
      if (key === 'r') void fleet.restore().then((n) => log(`restoring ${n} device(s)`));
    });
  }
}

function preview(ids: string[]): string {
  return ids.length <= 5 ? ids.join(', ') || 'none' : `${ids.slice(0, 5).join(', ')} … (${ids.length})`;
}

function summaryLine(s: FleetStats): string {
  return (
    `connected ${s.connected}/${s.devices} | telemetry ${s.telemetryPerSecond.toFixed(1)} msg/s (${s.telemetrySent} sent)` +
    ` | commands answered ${s.commandsAnswered} (${s.commandErrors} errors) | alerts raised ${s.alertsRaised}`
  );
}

/**
 * The live one-line summary: redrawn in place every second on a terminal; a plain line every 5 s otherwise
 * (logs, pipes). Log lines are printed above it.
 */
const summary = {
  timer: undefined as NodeJS.Timeout | undefined,
  stats: undefined as (() => FleetStats) | undefined,
  tty: process.stdout.isTTY === true,
  start(stats: () => FleetStats) {
    this.stats = stats;
    this.timer = setInterval(() => this.draw(), this.tty ? 1000 : 5000);
    this.draw();
  },
  stop() {
    clearInterval(this.timer);
    if (this.tty && this.stats) process.stdout.write('\r\x1b[2K');
    this.stats = undefined;
  },
  draw() {
    if (!this.stats) return;
    const line = summaryLine(this.stats());
    process.stdout.write(this.tty ? `\r\x1b[2K${line}` : `${line}\n`);
  },
  print(line: string) {
    if (this.tty && this.stats) {
      process.stdout.write(`\r\x1b[2K${line}\n`);
      this.draw();
    } else {
      process.stdout.write(`${line}\n`);
    }
  },
};

main().catch((err: unknown) => {
  process.stderr.write(`simulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
