// Baseline of the webhook scenario of `npm run bench`: the same deliveries with BullMQ alone — no database, no
// outbox, no delivery log. Adds EVENTS jobs in bulks of 100 (as the gateway's relay does), and a worker with the
// gateway's concurrency (16) POSTs each event, signed with HMAC-SHA256, to the receiver; a non-2xx throws (retry).
//   node bench/raw-bullmq.mjs <redis url> <queue prefix> <receiver url> <events>
// Prints "READY" once connected and waits for SIGUSR2 to start; prints "ADDED <ms>" when all are queued.
import { createHmac, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

const [redisUrl, prefix, receiver, eventsArg] = process.argv.slice(2);
const EVENTS = Number(eventsArg);
const secret = 'whsec_' + Buffer.from(randomUUID()).toString('base64');
const connection = () => new Redis(redisUrl, { maxRetriesPerRequest: null });
const queue = new Queue('bench-webhooks', { connection: connection(), prefix });
const worker = new Worker(
  'bench-webhooks',
  async (job) => {
    const body = JSON.stringify(job.data);
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(receiver, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Webhook-Signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
        'webhook-id': job.data.id,
        'webhook-timestamp': String(ts),
        'webhook-signature': `v1,${createHmac('sha256', secret).update(`${job.data.id}.${ts}.${body}`).digest('base64')}`,
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  },
  { connection: connection(), prefix, concurrency: 16, removeOnComplete: { count: 1000 } },
);
await queue.waitUntilReady();
await worker.waitUntilReady();
// listening before saying READY: a signal that came first would kill the process (its default action)
const go = once(process, 'SIGUSR2');
process.stdout.write('READY\n');
await go;
const t0 = Date.now();
for (let i = 0; i < EVENTS; i += 100) {
  const jobs = [];
  for (let j = i; j < Math.min(EVENTS, i + 100); j++) {
    const event = {
      id: `evt_${j}`,
      type: 'customer.created',
      createdAt: new Date().toISOString(),
      data: { id: `cus_${j}`, name: `Customer ${j}` },
    };
    jobs.push({
      name: 'deliver',
      data: event,
      opts: { jobId: event.id, attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
    });
  }
  await queue.addBulk(jobs);
}
process.stdout.write(`ADDED ${Date.now() - t0}\n`);
process.on('SIGTERM', async () => {
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  process.exit(0);
});
