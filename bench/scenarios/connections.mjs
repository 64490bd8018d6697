// Scenario 3 — connection scale: ramp to N authenticated devices (each its own TCP connection, opened by load
// generators 50 at a time per process) and hold them; connect rate, CONNACK latency, and the broker's RSS per
// connection. Baselines: raw Aedes (no auth) and Mosquitto (password file).
import {
  againstBrokers,
  cpuSeconds,
  mb,
  percentiles,
  ratio,
  round,
  rssBytes,
  split,
  startLoad,
} from '../lib/common.mjs';
import { setTimeout as sleep } from 'node:timers/promises';

const LANES = 50;

async function measure(label, target, devices, opts) {
  const load = await startLoad(
    split(devices, opts.workers).map((share) => ({
      task: 'connect',
      url: target.mqttUrl,
      devices: share,
      concurrency: LANES,
    })),
  );
  try {
    await sleep(500);
    const rss0 = rssBytes(target.pid);
    const cpu0 = cpuSeconds(target.pid);
    load.go();
    const results = await load.results();
    const cpu = cpuSeconds(target.pid) - cpu0;
    await sleep(1000); // let deferred work (presence writes) settle before reading RSS
    const rss1 = rssBytes(target.pid);
    const connected = results.reduce((a, r) => a + r.connected, 0);
    const failed = results.reduce((a, r) => a + r.failed, 0);
    const elapsed = Math.max(...results.map((r) => r.elapsed));
    const { p50, p99 } = percentiles(results.map((r) => r.latencies));
    return {
      target: label,
      connected,
      failed,
      'connects/s': round(connected / elapsed),
      'CONNACK p50 ms': p50,
      'CONNACK p99 ms': p99,
      'RSS MB (idle → held)': `${mb(rss0)} → ${mb(rss1)}`,
      'KB/connection': round((rss1 - rss0) / 1024 / Math.max(1, connected), 1),
      'CPU-ms/connect': round((cpu / Math.max(1, connected)) * 1000, 3),
      'loadgen CPU-s': round(
        results.reduce((a, r) => a + r.cpu, 0),
        1,
      ),
    };
  } finally {
    load.kill();
  }
}

export async function connections(opts) {
  const n = opts.connections;
  const rows = await againstBrokers(n, 'conn', (label, target, devices) => measure(label, target, devices, opts));
  const [g, a, m] = rows;
  return {
    title: `3. Connection scale — ramp to ${n} authenticated devices, ${opts.workers} × ${LANES} connecting at a time`,
    rows,
    ratios: [
      `gateway connects/s vs raw Aedes ${ratio(g['connects/s'], a['connects/s'])}, vs Mosquitto ${ratio(g['connects/s'], m['connects/s'])}`,
      `gateway memory per connection vs raw Aedes ${ratio(g['KB/connection'], a['KB/connection'])}, vs Mosquitto ${ratio(g['KB/connection'], m['KB/connection'])} (lower is better)`,
    ],
    notes:
      'The gateway authenticates each CONNECT against its credential cache (loaded from the database on first sight), ' +
      'records the device online (presence writes batched) and emits a device.online event per device.',
    failed: rows.some((r) => r.failed > 0),
  };
}
