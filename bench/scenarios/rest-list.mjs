// Scenario 5 — REST list: GET /v1/customers with a filter and pagination over N customers on PostgreSQL, driven by
// autocannon (in this process; its CPU is reported). Two requests: an offset page (COUNT + page) and a cursor page
// (keyset). Baseline: bare Fastify + pg with the same SQL and envelope (bench/fastify-pg.mjs).
import { join } from 'node:path';
import autocannon from 'autocannon';
import {
  ADMIN_KEY,
  PG_URL,
  ROOT,
  cpuSeconds,
  log,
  ratio,
  round,
  start,
  startGateway,
  stop,
  withPg,
} from '../lib/common.mjs';

const CONNECTIONS = 20;
const REQUESTS = {
  offset: '/v1/customers?status=active&page=10&pageSize=20',
  cursor: '/v1/customers?status=active&limit=20',
};

async function seed(schema, n) {
  await withPg(async (c) => {
    await c.query(
      `INSERT INTO "${schema}".customers (id, name, industry, status, contact_name, contact_phone, contact_email, tags, created_at, updated_at)
       SELECT 'cus_' || lpad(i::text, 26, '0'),
              (ARRAY['上海', '北京', 'Acme', 'Globex', '深圳'])[1 + i % 5] || ' 科技 ' || i,
              (ARRAY['manufacturing', 'retail', 'energy', 'logistics'])[1 + i % 4],
              (ARRAY['active', 'inactive', 'prospect'])[1 + i % 3],
              'Contact ' || i, '+86 138 0000 ' || lpad((i % 10000)::text, 4, '0'), 'c' || i || '@example.com',
              '["bench"]',
              to_char(timestamp '2026-01-01' + i * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
              to_char(timestamp '2026-01-01' + i * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
       FROM generate_series(1, $1) AS i`,
      [n],
    );
    await c.query(`ANALYZE "${schema}".customers`);
  });
}

async function measure(label, baseUrl, pid, kind, opts) {
  const url = `${baseUrl}${REQUESTS[kind]}`;
  const check = await fetch(url, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
  if (check.status !== 200) throw new Error(`${label}: ${url} → ${check.status} ${await check.text()}`);
  const cpu0 = cpuSeconds(pid);
  const lg0 = process.cpuUsage();
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: opts.durationMs / 1000,
    headers: { Authorization: `Bearer ${ADMIN_KEY}` },
  });
  const cpu = cpuSeconds(pid) - cpu0;
  const lg = process.cpuUsage(lg0);
  const ok = result['2xx'];
  return {
    target: label,
    request: kind,
    'req/s': round(ok / (opts.durationMs / 1000)),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    'non-2xx': result.non2xx + result.errors,
    'CPU-ms/request': round((cpu / Math.max(1, ok)) * 1000, 3),
    'autocannon CPU-s': round((lg.user + lg.system) / 1e6, 1),
  };
}

export async function restList(opts) {
  const n = opts.customers;
  const rows = [];
  const gw = await startGateway({ profile: 'pg' });
  try {
    log(`seeding ${n} customers`);
    await seed(gw.schema, n);
    for (const kind of Object.keys(REQUESTS)) {
      log(`gateway: ${kind}`);
      rows.push(await measure('gateway (PostgreSQL)', gw.baseUrl, gw.pid, kind, opts));
    }
    const { child, match } = await start(process.execPath, [join(ROOT, 'bench/fastify-pg.mjs'), PG_URL, gw.schema], {
      ready: /PORT (\d+)/,
    });
    try {
      for (const kind of Object.keys(REQUESTS)) {
        log(`bare Fastify + pg: ${kind}`);
        rows.push(await measure('bare Fastify + pg', `http://127.0.0.1:${match[1]}`, child.pid, kind, opts));
      }
    } finally {
      await stop(child);
    }
  } finally {
    await gw.stop();
  }
  const ratios = Object.keys(REQUESTS).map((kind) => {
    const g = rows.find((r) => r.request === kind && r.target.startsWith('gateway'));
    const b = rows.find((r) => r.request === kind && r.target.startsWith('bare'));
    return `${kind}: gateway req/s vs bare Fastify + pg ${ratio(g['req/s'], b['req/s'])}; CPU per request ${ratio(g['CPU-ms/request'], b['CPU-ms/request'])} (lower is better)`;
  });
  return {
    title: `5. REST list — GET /v1/customers, status filter, ${n} customers on PostgreSQL, ${CONNECTIONS} connections, ${opts.durationMs / 1000} s`,
    rows,
    ratios,
    notes:
      `Requests: offset \`${REQUESTS.offset}\`, cursor \`${REQUESTS.cursor}\`. The gateway authenticates the API key, ` +
      'applies the rate limiter (in memory here), validates the query, logs the request and adds rate-limit headers; ' +
      "the baseline does none of this. PostgreSQL's own CPU is not counted.",
    failed: rows.some((r) => r['non-2xx'] > 0),
  };
}
