// Scenario 1 — telemetry ingest: N authenticated devices publish ~100-byte JSON readings at QoS 1, each keeping a
// few messages unacknowledged, for a fixed time. Same load generator against raw Aedes (no hooks, no auth),
// Mosquitto (password file) and the gateway (auth, ACL, validation, batched history writes on SQLite).
import {
  againstBrokers,
  cpuSeconds,
  mb,
  metric,
  percentiles,
  publicRow,
  ratio,
  round,
  split,
  startLoad,
  waitFor,
  withPeakRss,
} from '../lib/common.mjs';

const KEYS_PER_MESSAGE = 5; // temperature, humidity, battery, rssi, seq (ts is the points' time)

async function measure(label, target, devices, opts, afterLoad = async () => true) {
  const load = await startLoad(
    split(devices, opts.workers).map((share) => ({
      task: 'publish',
      url: target.mqttUrl,
      devices: share,
      window: opts.window,
      durationMs: opts.durationMs,
    })),
  );
  try {
    const cpu0 = cpuSeconds(target.pid);
    const { result, peakRss } = await withPeakRss(target.pid, async () => {
      load.go();
      const results = await load.results();
      const cpuAcked = cpuSeconds(target.pid);
      const complete = await afterLoad(results);
      return { results, cpuAcked, complete };
    });
    const { results, cpuAcked, complete } = result;
    const cpuAll = cpuSeconds(target.pid);
    const sent = results.reduce((a, r) => a + r.sent, 0);
    const acked = results.reduce((a, r) => a + r.acked, 0);
    const errors = results.reduce((a, r) => a + r.errors, 0);
    const elapsed = Math.max(...results.map((r) => r.elapsed));
    const { p50, p99 } = percentiles(results.map((r) => r.latencies));
    const lost = sent - acked + (complete === true ? 0 : 1);
    return {
      target: label,
      'msgs/s': round(acked / elapsed),
      acked,
      lost: complete === true ? sent - acked : `${sent - acked} + ${complete}`,
      'p50 ms': p50,
      'p99 ms': p99,
      'CPU-s/10k': round(((cpuAll - cpu0) / acked) * 10_000, 3),
      'CPU-s/10k to PUBACK': round(((cpuAcked - cpu0) / acked) * 10_000, 3),
      'peak RSS MB': mb(peakRss),
      'loadgen CPU-s': round(
        results.reduce((a, r) => a + r.cpu, 0),
        1,
      ),
      errors,
      _lost: lost,
    };
  } finally {
    load.kill();
  }
}

export async function telemetry(opts) {
  const n = opts.devices;
  const rows = await againstBrokers(n, 'tele', async (label, target, devices, gateway) => {
    if (!gateway) return measure(label, target, devices, opts);
    // the gateway's row counts as lost any telemetry point that never reached the database
    const points0 = await metric(gateway.baseUrl, 'telemetry_points_written_total');
    return measure(label, target, devices, opts, async (results) => {
      const expected = points0 + results.reduce((a, r) => a + r.acked, 0) * KEYS_PER_MESSAGE;
      const written = () => metric(gateway.baseUrl, 'telemetry_points_written_total');
      if (await waitFor(async () => (await written()) >= expected, { timeoutMs: 60_000 })) return true;
      return `${expected - (await written())} points not written`;
    });
  });

  const [g, a, m] = rows;
  const cpu = 'CPU-s/10k';
  return {
    title: `1. Telemetry ingest — ${n} devices, QoS 1, ~100-byte JSON, ${opts.window} in flight per device, ${opts.durationMs / 1000} s`,
    rows: rows.map(publicRow),
    ratios: [
      `gateway msgs/s vs raw Aedes ${ratio(g['msgs/s'], a['msgs/s'])}, vs Mosquitto ${ratio(g['msgs/s'], m['msgs/s'])}`,
      `gateway CPU per message vs raw Aedes ${ratio(g[cpu], a[cpu])}, vs Mosquitto ${ratio(g[cpu], m[cpu])} (lower is better)`,
    ],
    notes:
      'CPU-s/10k: CPU seconds of the system under test per 10 000 acknowledged messages, for the gateway until every ' +
      'point is in the database. "lost": published minus acknowledged (and, for the gateway, points not stored).',
    failed: rows.some((r) => r._lost !== 0 || r.errors !== 0),
  };
}
