// Scenario 4 — webhook throughput: E business events (customer.created, made by POST /v1/customers/batch, 100 per
// request) delivered, signed, to a local receiver that answers 200 at once. Events/s delivered and event→delivery
// latency (event createdAt → arrival). The gateway on PostgreSQL + Redis (BullMQ) and on the embedded profile;
// baseline: BullMQ alone (bench/raw-bullmq.mjs) doing the same POSTs, with no database behind it.
import { join } from 'node:path';
import {
  ROOT,
  REDIS_URL,
  api,
  cpuSeconds,
  log,
  percentiles,
  publicRow,
  ratio,
  round,
  start,
  startGateway,
  startLoad,
  stop,
  waitFor,
} from '../lib/common.mjs';

async function collect(receiver, label, pid, events, produce) {
  const cpu0 = cpuSeconds(pid);
  const t0 = Date.now();
  receiver.go();
  const createdMs = await produce();
  const complete = await waitFor(() => (receiver.procs[0].info.progress ?? 0) >= events, {
    timeoutMs: 300_000,
    intervalMs: 100,
  });
  const cpu = cpuSeconds(pid) - cpu0;
  receiver.stop();
  const [r] = await receiver.results();
  const seconds = (r.lastAt - t0) / 1000;
  const { p50, p99 } = percentiles([r.latencies]);
  return {
    target: label,
    events,
    delivered: r.unique,
    'requests received': r.requests,
    'produce s': round(createdMs / 1000, 1),
    'events/s delivered': round(r.unique / seconds),
    'p50 ms': p50,
    'p99 ms': p99,
    'CPU-ms/event': round((cpu / Math.max(1, r.unique)) * 1000, 2),
    'receiver CPU-s': round(r.cpu, 1),
    _complete: complete,
  };
}

async function gatewayRun(label, profile, events) {
  const receiver = await startLoad([{ task: 'receive' }]);
  const gw = await startGateway(profile === 'pg' ? { profile: 'pg', redis: true } : {});
  try {
    await api(gw.baseUrl, 'POST', '/v1/webhooks', {
      url: `http://127.0.0.1:${receiver.procs[0].info.port}/hook`,
      events: ['customer.created'],
    });
    return await collect(receiver, label, gw.pid, events, async () => {
      const t0 = Date.now();
      let next = 0;
      const lane = async () => {
        while (next < events) {
          const from = next;
          next = Math.min(events, next + 100);
          const items = [];
          for (let i = from; i < next; i++) items.push({ name: `Customer ${i}`, status: 'active' });
          await api(gw.baseUrl, 'POST', '/v1/customers/batch', { items });
        }
      };
      await Promise.all([lane(), lane()]);
      return Date.now() - t0;
    });
  } finally {
    receiver.kill();
    await gw.stop();
  }
}

async function bullmqRun(events) {
  const receiver = await startLoad([{ task: 'receive' }]);
  const prefix = `bench-raw:${process.pid}:${Date.now().toString(36)}`;
  const { child, output } = await start(
    process.execPath,
    [
      join(ROOT, 'bench/raw-bullmq.mjs'),
      REDIS_URL,
      prefix,
      `http://127.0.0.1:${receiver.procs[0].info.port}/hook`,
      String(events),
    ],
    { ready: /READY/ },
  );
  try {
    return await collect(receiver, 'BullMQ alone (no database)', child.pid, events, async () => {
      child.kill('SIGUSR2');
      await waitFor(() => child.exitCode !== null || child.signalCode !== null || /ADDED (\d+)/.test(output()), {
        timeoutMs: 120_000,
        intervalMs: 50,
      });
      const added = /ADDED (\d+)/.exec(output());
      if (!added) {
        const exit = child.signalCode ?? child.exitCode ?? 'still running';
        throw new Error(`raw BullMQ did not queue the events (exit: ${exit}):\n${output()}`);
      }
      return Number(added[1]);
    });
  } finally {
    receiver.kill();
    await stop(child);
  }
}

export async function webhooks(opts) {
  const n = opts.events;
  const rows = [];
  log(`gateway (PostgreSQL + Redis): ${n} events`);
  rows.push(await gatewayRun('gateway (PostgreSQL + BullMQ)', 'pg', n));
  log(`BullMQ alone: ${n} events`);
  rows.push(await bullmqRun(n));
  log(`gateway (embedded): ${n} events`);
  rows.push(await gatewayRun('gateway (SQLite + in-process queue)', 'sqlite', n));
  const [g, b] = rows;
  return {
    title: `4. Webhook throughput — ${n} customer.created events to one local receiver`,
    rows: rows.map(publicRow),
    ratios: [
      `gateway on BullMQ events/s vs BullMQ alone ${ratio(g['events/s delivered'], b['events/s delivered'])}; p99 ${g['p99 ms']} vs ${b['p99 ms']} ms`,
    ],
    notes:
      'The gateway writes each event in the transaction of its change (outbox), a relay moves it to the queue, and ' +
      'every attempt is logged in the database; deliveries to one webhook run one at a time, in order. "produce s": ' +
      'time to create the events (gateway: the batch requests; baseline: queue.addBulk). CPU-ms/event: the gateway ' +
      'process (creating and delivering) or the BullMQ process; PostgreSQL and Redis are not counted.',
    failed: rows.some((r) => !r._complete),
  };
}
