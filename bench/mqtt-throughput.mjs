// MQTT hot-path micro-benchmark: N authenticated devices publish QoS 1 telemetry through the gateway
// (auth, ACL, in-process transport to the Nest handler, validation, batched history writes), against a bare
// Aedes broker with no hooks. Reports acknowledged messages per second and the broker process's CPU time
// (user + system, from /proc: Linux only) per 10 000 messages.
//
//   npm run build && node bench/mqtt-throughput.mjs
//   DEVICES=100 MESSAGES=500 WINDOW=20 node bench/mqtt-throughput.mjs
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/mqtt-throughput.mjs   (PostgreSQL)
//
// The load generator runs in this process, on the same machine: figures are for comparing the two brokers
// on one machine, not absolute capacity.
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { cpuSeconds, metric, provisionDevices, startGateway, startRawAedes, waitFor } from './lib/common.mjs';

const DEVICES = Number(process.env.DEVICES ?? 50);
const MESSAGES = Number(process.env.MESSAGES ?? 1000);
const WINDOW = Number(process.env.WINDOW ?? 20);
const NODE_ARGS = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
const KEYS_PER_MESSAGE = 3;

function connect(url, options) {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { protocolVersion: 4, reconnectPeriod: 0, keepalive: 60, ...options });
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

/** Every client publishes MESSAGES QoS 1 messages, at most WINDOW unacknowledged at a time. */
function load(clients) {
  return Promise.all(
    clients.map(
      ({ client, id }) =>
        new Promise((resolve, reject) => {
          let sent = 0;
          let acked = 0;
          const next = () => {
            if (sent === MESSAGES) return;
            const seq = sent++;
            const payload = JSON.stringify({ temperature: 20 + (seq % 10) / 10, humidity: 40 + (seq % 7), seq });
            client.publish(`devices/${id}/telemetry`, payload, { qos: 1 }, (err) => {
              if (err) return reject(err);
              if (++acked === MESSAGES) return resolve();
              next();
            });
          };
          for (let i = 0; i < Math.min(WINDOW, MESSAGES); i++) next();
        }),
    ),
  );
}

async function run(label, broker, devices, url, afterAck = async () => undefined) {
  const clients = [];
  for (const d of devices) clients.push({ id: d.id, client: await connect(url, d.options) });
  const total = DEVICES * MESSAGES;
  const cpu0 = cpuSeconds(broker.pid);
  const t0 = performance.now();
  await load(clients);
  const t1 = performance.now();
  const cpu1 = cpuSeconds(broker.pid);
  await afterAck();
  const t2 = performance.now();
  const cpu2 = cpuSeconds(broker.pid);
  await Promise.all(clients.map(({ client }) => client.endAsync()));
  const rate = total / ((t1 - t0) / 1000);
  return {
    label,
    messages: total,
    'msgs/s (acked)': Math.round(rate),
    'CPU-s / 10k (to last PUBACK)': +(((cpu1 - cpu0) / total) * 10_000).toFixed(3),
    'CPU-s / 10k (incl. writes)': +(((cpu2 - cpu0) / total) * 10_000).toFixed(3),
    'drain after last PUBACK (s)': +((t2 - t1) / 1000).toFixed(2),
  };
}

async function gatewayRun() {
  const gw = await startGateway({ profile: process.env.BENCH_DATABASE_URL ? 'pg' : 'sqlite', nodeArgs: NODE_ARGS });
  try {
    const devices = (await provisionDevices(gw.baseUrl, DEVICES)).map((d) => ({
      id: d.id,
      options: { clientId: d.id, username: d.username, password: d.password },
    }));
    const expected = DEVICES * MESSAGES * KEYS_PER_MESSAGE;
    return await run('gateway (auth + ACL + transport + batched writes)', gw, devices, gw.mqttUrl, () =>
      waitFor(async () => (await metric(gw.baseUrl, 'telemetry_points_written_total')) >= expected, {
        timeoutMs: 600_000,
      }),
    );
  } finally {
    await gw.stop();
  }
}

async function rawRun() {
  const aedes = await startRawAedes();
  try {
    const devices = Array.from({ length: DEVICES }, (_, i) => ({
      id: `bench-${i}`,
      options: { clientId: `bench-${i}` },
    }));
    return await run('raw Aedes 1.2 (no hooks)', aedes, devices, aedes.mqttUrl);
  } finally {
    await aedes.stop();
  }
}

const results = [];
results.push(await rawRun());
results.push(await gatewayRun());
console.log(
  `${DEVICES} devices × ${MESSAGES} QoS 1 messages (${KEYS_PER_MESSAGE} keys each), window ${WINDOW}, ` +
    `database ${process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'SQLite'}, node ${process.version}`,
);
console.table(results);
