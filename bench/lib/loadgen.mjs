// A load-generator process of `npm run bench` (forked by common.mjs#startLoad). It receives one task over IPC,
// prepares it (connects its clients…), answers {ready}, runs it on {go}, answers with its figures and its own CPU
// seconds, and exits when the parent kills it. Latencies are in milliseconds.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt from 'mqtt';

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function connect(url, device, extra = {}) {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, {
      protocolVersion: 4,
      reconnectPeriod: 0,
      keepalive: 600,
      connectTimeout: 60_000,
      clientId: device.id,
      ...(device.username && { username: device.username, password: device.password }),
      ...extra,
    });
    client.on('error', () => {});
    // like any latency-minded client: no Nagle delay on small request/reply writes
    client.once('connect', () => {
      client.stream.setNoDelay?.(true);
      resolve(client);
    });
    client.once('error', reject);
    client.once('close', () => reject(new Error(`connection of ${device.id} closed before CONNACK`)));
  });
}

/** Opens connections at most `concurrency` at a time; returns the clients and the CONNACK latencies. */
async function connectAll(url, devices, concurrency, extra) {
  const clients = new Array(devices.length);
  const latencies = [];
  let next = 0;
  const lane = async () => {
    while (next < devices.length) {
      const i = next++;
      const t0 = performance.now();
      clients[i] = await connect(url, devices[i], extra);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, devices.length) }, lane));
  return { clients, latencies };
}

// ~100 bytes of JSON, like a real sensor: {"temperature":21.3,"humidity":44,"battery":87,"rssi":-61,"seq":12345,"ts":…}
function reading(seq) {
  return JSON.stringify({
    temperature: 20 + (seq % 100) / 10,
    humidity: 40 + (seq % 17),
    battery: 100 - (seq % 50),
    rssi: -40 - (seq % 40),
    seq,
    ts: Date.now(),
  });
}

const tasks = {
  /** QoS 1 telemetry: every device keeps `window` messages unacknowledged until `durationMs` has passed. */
  async publish({ url, devices, window, durationMs }, ready) {
    const { clients } = await connectAll(url, devices, 50);
    await ready();
    const latencies = [];
    let sent = 0;
    let acked = 0;
    let errors = 0;
    const cpu0 = cpu();
    const t0 = performance.now();
    const deadline = t0 + durationMs;
    await Promise.all(
      clients.map(
        (client, d) =>
          new Promise((resolve) => {
            let inflight = 0;
            const topic = `devices/${devices[d].id}/telemetry`;
            const next = () => {
              if (performance.now() >= deadline) {
                if (inflight === 0) resolve();
                return;
              }
              inflight++;
              const seq = sent++;
              const start = performance.now();
              client.publish(topic, reading(seq), { qos: 1 }, (err) => {
                inflight--;
                if (err) errors++;
                else {
                  acked++;
                  latencies.push(performance.now() - start);
                }
                next();
              });
            };
            for (let i = 0; i < window; i++) next();
          }),
      ),
    );
    const elapsed = (performance.now() - t0) / 1000;
    const cpuUsed = cpu() - cpu0;
    await Promise.all(clients.map((c) => c.endAsync()));
    return { sent, acked, errors, latencies, elapsed, cpu: cpuUsed };
  },

  /** Opens every connection (ramp) and holds them; CONNACK latency of each. */
  async connect({ url, devices, concurrency }, ready) {
    await ready();
    const cpu0 = cpu();
    const t0 = performance.now();
    let failed = 0;
    const latencies = [];
    let next = 0;
    const clients = [];
    const lane = async () => {
      while (next < devices.length) {
        const i = next++;
        const start = performance.now();
        try {
          clients.push(await connect(url, devices[i]));
          latencies.push(performance.now() - start);
        } catch {
          failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    return {
      connected: clients.length,
      failed,
      latencies,
      elapsed: (performance.now() - t0) / 1000,
      cpu: cpu() - cpu0,
    };
  },

  /** Simulated devices answering every command at once; runs until stopped. */
  async respond({ url, devices }, ready, stopped) {
    const { clients } = await connectAll(url, devices, 50);
    let answered = 0;
    await Promise.all(
      clients.map((client, d) => {
        const id = devices[d].id;
        client.on('message', (topic, payload) => {
          const parts = topic.split('/');
          if (parts.length !== 4) return;
          let body;
          try {
            body = JSON.parse(payload.toString());
          } catch {
            return;
          }
          answered++;
          client.publish(`${topic}/reply`, JSON.stringify({ status: 'ok', result: { echo: body.command } }), {
            qos: 1,
          });
        });
        return client.subscribeAsync(`devices/${id}/commands/+`, { qos: 1 });
      }),
    );
    await ready();
    const cpu0 = cpu();
    await stopped;
    return { answered, cpu: cpu() - cpu0 };
  },

  /** `concurrency` callers, each POSTing sendCommand (synchronous) to its own device in a loop. */
  async httpCommands({ baseUrl, apiKey, deviceIds, concurrency, durationMs }, ready) {
    await ready();
    const latencies = [];
    let ok = 0;
    let failed = 0;
    const statuses = {};
    const cpu0 = cpu();
    const t0 = performance.now();
    const deadline = t0 + durationMs;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, c) => {
        const path = `${baseUrl}/v1/iot/devices/${encodeURIComponent(deviceIds[c % deviceIds.length])}/commands`;
        while (performance.now() < deadline) {
          const start = performance.now();
          const res = await fetch(path, {
            method: 'POST',
            headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ command: 'turnOn', params: { level: 1 } }),
          });
          const body = await res.json();
          if (res.status === 200 && body.data?.status === 'succeeded') {
            ok++;
            latencies.push(performance.now() - start);
          } else {
            failed++;
            statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          }
        }
      }),
    );
    return { ok, failed, statuses, latencies, elapsed: (performance.now() - t0) / 1000, cpu: cpu() - cpu0 };
  },

  /**
   * The baseline of the command scenario: the same request/response through a plain broker. One MQTT client
   * publishes each request QoS 1 to `devices/{id}/commands/{n}` and waits for `…/reply`.
   */
  async mqttCommands({ url, deviceIds, concurrency, durationMs }, ready) {
    const client = await connect(url, { id: `caller-${process.pid}` });
    const waiting = new Map();
    client.on('message', (topic) => {
      const id = topic.split('/')[3];
      const resolve = waiting.get(id);
      if (resolve) {
        waiting.delete(id);
        resolve();
      }
    });
    await client.subscribeAsync('devices/+/commands/+/reply', { qos: 1 });
    await ready();
    const latencies = [];
    let ok = 0;
    let seq = 0;
    const cpu0 = cpu();
    const t0 = performance.now();
    const deadline = t0 + durationMs;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, c) => {
        const device = deviceIds[c % deviceIds.length];
        while (performance.now() < deadline) {
          const id = `c${process.pid}-${seq++}`;
          const start = performance.now();
          const replied = new Promise((resolve) => waiting.set(id, resolve));
          client.publish(
            `devices/${device}/commands/${id}`,
            JSON.stringify({ id, command: 'turnOn', params: { level: 1 }, issuedAt: new Date().toISOString() }),
            { qos: 1 },
          );
          await replied;
          ok++;
          latencies.push(performance.now() - start);
        }
      }),
    );
    const result = { ok, failed: 0, latencies, elapsed: (performance.now() - t0) / 1000, cpu: cpu() - cpu0 };
    await client.endAsync();
    return result;
  },

  /** A webhook receiver: answers 200 at once, records each event's id and its createdAt→arrival latency. */
  async receive(_task, ready, stopped) {
    const seen = new Set();
    const latencies = [];
    let requests = 0;
    let lastAt = 0;
    const server = createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        requests++;
        try {
          const event = JSON.parse(Buffer.concat(chunks).toString());
          if (!seen.has(event.id)) {
            seen.add(event.id);
            latencies.push(Date.now() - Date.parse(event.createdAt));
            lastAt = Date.now();
          }
        } catch {
          /* counted as a request only */
        }
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.send({ port: server.address().port });
    setInterval(() => process.send({ progress: seen.size }), 250).unref();
    await ready();
    const cpu0 = cpu();
    await stopped;
    server.close();
    return { requests, unique: seen.size, latencies, lastAt, cpu: cpu() - cpu0 };
  },
};

let go;
let stop;
const goPromise = new Promise((resolve) => (go = resolve));
const stopPromise = new Promise((resolve) => (stop = resolve));
process.on('message', async (msg) => {
  if (msg.go) return go();
  if (msg.stop) return stop();
  try {
    const ready = async () => {
      process.send({ ready: true });
      await goPromise;
    };
    const result = await tasks[msg.task](msg, ready, stopPromise);
    process.send({ result });
  } catch (err) {
    process.send({ error: String(err?.stack ?? err) });
  }
});
await sleep(0);
