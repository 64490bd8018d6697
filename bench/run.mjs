// `npm run bench` — every scenario against the gateway and, in the same run with the same load generators,
// against a baseline; prints a table per scenario and appends the run to bench/RESULTS.md.
//
//   npm run bench                         full run (~10 min)
//   npm run bench -- --quick              the same scenarios, small (< 3 min)
//   npm run bench -- --only=telemetry,rest --devices=2000 --duration=30
//   npm run bench -- --help
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { cpus, totalmem, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib/common.mjs';
import { telemetry } from './scenarios/telemetry.mjs';
import { commands } from './scenarios/commands.mjs';
import { connections } from './scenarios/connections.mjs';
import { webhooks } from './scenarios/webhooks.mjs';
import { restList } from './scenarios/rest-list.mjs';

const SCENARIOS = { telemetry, commands, connections, webhooks, rest: restList };

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    duration: { type: 'string' },
    devices: { type: 'string' },
    connections: { type: 'string' },
    concurrency: { type: 'string' },
    events: { type: 'string' },
    customers: { type: 'string' },
    workers: { type: 'string' },
    'no-record': { type: 'boolean', default: false },
    label: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log(`npm run bench -- [options]

  --quick               small sizes and short durations (under 3 minutes in all)
  --only=a,b            scenarios to run: ${Object.keys(SCENARIOS).join(', ')} (default: all)
  --duration=S          seconds of load per measurement (default 20; quick 4)
  --devices=N           telemetry devices (default 1000; quick 200)
  --connections=N       connection-scale target (default 10000; quick 1000; above ~19000, raise ulimit -n)
  --concurrency=a,b,c   sendCommand callers (default 1,50,200; quick 1,50)
  --events=N            webhook events (default 20000; quick 2000)
  --customers=N         customers for the REST list (default 100000; quick 10000)
  --workers=N           load-generator processes for MQTT load (default 2)
  --label=TEXT          a note recorded with the run (e.g. "before fix X")
  --no-record           print only; do not append to bench/RESULTS.md

Needs: npm run build; mosquitto on PATH (Debian package); PostgreSQL and Redis at
BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/test) and BENCH_REDIS_URL (redis://127.0.0.1:6379).
BENCH_GATEWAY_DIST=<dir> runs another build of the gateway (A/B comparisons; a copy of dist/ inside the project,
so that node_modules resolve). BENCH_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the gateway;
node bench/profile-top.mjs <file> summarizes a profile.`);
  process.exit(0);
}

const quick = args.quick;
const num = (v, full, small) => (v !== undefined ? Number(v) : quick ? small : full);
const opts = {
  quick,
  durationMs: num(args.duration, 20, 4) * 1000,
  devices: num(args.devices, 1000, 200),
  connections: num(args.connections, 10_000, 1000),
  concurrency: (args.concurrency ?? (quick ? '1,50' : '1,50,200')).split(',').map(Number),
  events: num(args.events, 20_000, 2000),
  customers: num(args.customers, 100_000, 10_000),
  workers: num(args.workers, 2, 2),
  window: quick ? 5 : 2,
};
const selected = args.only ? args.only.split(',') : Object.keys(SCENARIOS);
for (const name of selected) if (!SCENARIOS[name]) throw new Error(`unknown scenario ${name}`);

function git(...a) {
  try {
    return execFileSync('git', a, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function markdownTable(rows) {
  const cols = Object.keys(rows[0]);
  const cell = (v) => (v === null || v === undefined ? '—' : String(v));
  return [
    `| ${cols.join(' | ')} |`,
    `| ${cols.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${cols.map((c) => cell(r[c])).join(' | ')} |`),
  ].join('\n');
}

const startedAt = new Date();
const commit = `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain') ? ' (+ uncommitted changes)' : ''}`;
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${loadavg()
  .map((l) => l.toFixed(1))
  .join(' ')} at start`;
console.log(`bench ${quick ? '(quick) ' : ''}— ${startedAt.toISOString()} — commit ${commit}\n${machine}\n`);

const sections = [];
let failed = false;
for (const name of selected) {
  const t0 = Date.now();
  console.log(`▶ ${name}`);
  const out = await SCENARIOS[name](opts);
  const seconds = Math.round((Date.now() - t0) / 1000);
  console.log(`\n${out.title}  (${seconds} s)`);
  console.table(out.rows);
  for (const r of out.ratios) console.log(`  ${r}`);
  console.log();
  if (out.failed) {
    failed = true;
    console.log(`  ✗ ${name}: messages or events were lost or requests failed (see the table)\n`);
  }
  sections.push(
    `#### ${out.title}\n\n${markdownTable(out.rows)}\n\n${out.ratios.map((r) => `- ${r}`).join('\n')}\n\n${out.notes}\n`,
  );
}

const total = Math.round((Date.now() - startedAt.getTime()) / 1000);
console.log(`bench finished in ${total} s`);
if (!args['no-record']) {
  const heading = `### Run ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC — ${quick ? 'quick' : 'full'}, commit ${commit}${args.label ? ` — ${args.label}` : ''}`;
  appendFileSync(
    join(ROOT, 'bench/RESULTS.md'),
    `\n${heading}\n\nMachine: ${machine}. Scenarios: ${selected.join(', ')}; ${total} s in all.\n\n${sections.join('\n')}`,
  );
  console.log('appended to bench/RESULTS.md');
}
process.exit(failed ? 1 : 0);
