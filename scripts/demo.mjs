#!/usr/bin/env node
// `npm run demo`: the gateway on the embedded profile, three simulated lamps and a local webhook receiver that
// verifies both signatures of every event. In about a minute a newcomer sees presence, telemetry, an alert, a
// command round trip (REST → MQTT → device → REST) and signed webhooks. Ctrl-C stops everything.
//
//   npm run demo                    # runs until Ctrl-C
//   npm run demo -- --duration 60   # stops by itself after 60 s
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWebhookReceiver } from './webhook-receiver.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const duration = arg('duration') ? Number(arg('duration')) : undefined;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const say = (text) => console.log(`\n▶ ${text}`);

/** The preferred port if it is free, otherwise one the OS picks; says which. */
async function choosePort(preferred, what, variable) {
  const free = (port) =>
    new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(undefined));
      server.listen(port, '0.0.0.0', () => {
        const chosen = server.address().port;
        server.close(() => resolve(chosen));
      });
    });
  const port = await free(preferred);
  if (port) {
    console.log(`  ${what}: port ${port}`);
    return port;
  }
  const other = await free(0);
  console.log(`  ${what}: port ${preferred} is in use, taking ${other} instead (${variable}=${other})`);
  return other;
}

async function main() {
  console.log('IoT Gateway demo — gateway + 3 simulated lamps + a webhook receiver\n');
  const httpPort = await choosePort(3000, 'HTTP (REST, docs, MQTT over WebSocket)', 'HTTP_PORT');
  const mqttPort = await choosePort(1883, 'MQTT over TCP', 'MQTT_PORT');
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-demo-'));
  const apiKey = `demo-admin-key-${randomBytes(16).toString('hex')}`;
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const base = `http://localhost:${httpPort}`;
  const api = async (method, path, body) => {
    const res = await fetch(`${base}/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${apiKey}`, ...(body && { 'Content-Type': 'application/json' }) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await res.json().catch(() => undefined);
    if (!res.ok && res.status !== 504) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
    return { status: res.status, body: json };
  };

  const received = [];
  const receiver = await startWebhookReceiver({
    secret,
    port: 0,
    onEvent: (event) => {
      received.push(event);
      console.log(`  webhook ✓ ${event.type.padEnd(18)} ${summarize(event)}   (both signatures verified)`);
    },
    // rejected deliveries are reported by the receiver itself; verified ones by onEvent above
    log: (line) => line.startsWith('✓') || console.log(`  webhook ${line}`),
  });
  console.log(`  webhook receiver: ${receiver.url} (checks X-Webhook-Signature and the Standard Webhooks signature)`);

  say('Starting the gateway (embedded profile: SQLite in a temp dir, in-process webhook queue)');
  const gateway = spawn(process.execPath, [join(ROOT, 'dist/main.js')], {
    env: {
      ...process.env,
      HTTP_PORT: String(httpPort),
      MQTT_PORT: String(mqttPort),
      DATA_DIR: dataDir,
      ADMIN_API_KEY: apiKey,
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', // the receiver is on localhost
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      REDIS_URL: '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let fleet;
  let webhookId;
  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    say('Stopping');
    // let the webhooks of the last moments arrive first (the relay and the worker poll a few times a second)
    for (let i = 0; webhookId && i < 40; i++) {
      const pending = await api('GET', `/webhooks/${webhookId}/deliveries?status=pending&pageSize=1`).catch(
        () => undefined,
      );
      if (!pending || pending.body.data.pagination.total === 0) break;
      await sleep(250);
    }
    await sleep(500);
    await fleet?.stop().catch(() => undefined);
    gateway.kill('SIGTERM');
    await new Promise((r) => (gateway.exitCode === null ? gateway.once('exit', r) : r()));
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
    console.log(`Done: ${received.length} verified webhook deliveries.`);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  gateway.once('exit', (code) => {
    if (!stopping) {
      console.error(`the gateway exited (${code})`);
      process.exit(1);
    }
  });
  await new Promise((resolve, reject) => {
    let out = '';
    gateway.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('Gateway listening')) resolve();
    });
    setTimeout(() => reject(new Error(`the gateway did not start:\n${out}`)), 60_000).unref();
  });
  console.log(`  REST API ${base}/v1  ·  Swagger UI ${base}/docs  ·  MQTT mqtt://localhost:${mqttPort}`);
  console.log(`  admin API key for this run: ${apiKey}`);

  say('Subscribing the receiver to every event: POST /v1/webhooks {"url", "events": ["*"], "secret"}');
  webhookId = (
    await api('POST', '/webhooks', { url: receiver.url, events: ['*'], secret, description: 'demo receiver' })
  ).body.data.id;

  say('Provisioning 3 lamps through the API and connecting them over MQTT (device.created, device.online)');
  const { Fleet } = await import(join(ROOT, 'simulator/dist/simulator/fleet.js'));
  const devices = await Fleet.provision({ apiUrl: base, apiKey, count: 3, prefix: 'lamp' });
  fleet = new Fleet({ brokerUrl: `mqtt://localhost:${mqttPort}`, devices, telemetryIntervalMs: 2000 });
  fleet.on('command', (id, command, reply) =>
    console.log(
      `  lamp  ${id} ← ${command.command} ${JSON.stringify(command.params)} → ${reply.status} ${JSON.stringify(reply.result ?? reply.error)}`,
    ),
  );
  await fleet.start();
  await sleep(3000);

  say('Telemetry: each lamp publishes every 2 s; the gateway keeps the latest values and the history');
  const lamp = (await api('GET', '/iot/devices/lamp-1')).body.data;
  console.log(`  GET /v1/iot/devices/lamp-1 → status ${lamp.status}, telemetry ${JSON.stringify(lamp.telemetry)}`);

  say('The seed\'s command: POST /v1/iot/devices/lamp-1/commands {"command":"turnOn","params":{"brightness":80}}');
  const started = Date.now();
  const command = (await api('POST', '/iot/devices/lamp-1/commands', { command: 'turnOn', params: { brightness: 80 } }))
    .body.data;
  console.log(
    `  → ${command.status} ${JSON.stringify(command.result)} in ${Date.now() - started} ms (sent, PUBACK, reply)`,
  );
  const unknown = (await api('POST', '/iot/devices/lamp-2/commands', { command: 'selfDestruct' })).body.data;
  console.log(`  an unknown command → ${unknown.status} ${JSON.stringify(unknown.error)}`);

  say('An alert: lamp-3 overheats (device.alert), then recovers');
  fleet.raiseAlert('overheat', 'critical', 'lamp-3');
  await sleep(2000);
  const alerting = (await api('GET', '/iot/devices/lamp-3')).body.data;
  console.log(`  lamp-3 alertState: ${alerting.alertState}`);
  fleet.clearAlerts('overheat');
  await sleep(1500);

  say('Presence: lamp-2 loses its connection (device.offline, connection_lost), then comes back (device.online)');
  fleet.device('lamp-2').drop();
  await sleep(2000);
  const offline = (await api('GET', '/iot/devices/lamp-2')).body.data;
  console.log(`  lamp-2: ${offline.status} (${offline.lastDisconnectReason})`);
  await fleet.restore();
  await sleep(2000);

  const types = [...new Set(received.map((e) => e.type))].sort();
  say(`So far ${received.length} signed webhooks verified: ${types.join(', ')}`);
  console.log(`  The lamps keep sending telemetry. Try the API (key above), or: npm run simulator -- --help`);
  if (duration !== undefined) {
    setTimeout(() => void stop(0), Math.max(0, duration * 1000 - (Date.now() - startedAt)));
  } else {
    console.log('  Ctrl-C to stop.');
  }
}

/** One line per event: what a human wants to see of it. */
function summarize(event) {
  const { device, command, alert, customer, order, reason } = event.data;
  if (alert) return `${device.id}: ${alert.type} ${alert.severity} → ${alert.status}`;
  if (command)
    return `${command.deviceId}: ${command.command} → ${command.status} ${JSON.stringify(command.result ?? command.error)}`;
  if (device) return `${device.id}: ${device.status}${reason ? ` (${reason})` : ''}`;
  if (customer) return `${customer.id} ${customer.name}`;
  if (order) return `${order.id} ${order.status} ${order.amount} ${order.currency}`;
  return JSON.stringify(event.data).slice(0, 100);
}

const startedAt = Date.now();
main().catch((err) => {
  console.error(`demo failed: ${err.message}`);
  process.exit(1);
});
