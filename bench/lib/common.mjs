// Shared machinery of `npm run bench`: starting and stopping the systems under test, reading their CPU and RSS
// from /proc (Linux only), load generators in child processes, percentiles, tables.
import { fork, spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ADMIN_KEY = 'bench-admin-key-0123456789abcdefghijklmnop';
export const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CLK_TCK = 100; // USER_HZ on Linux
const PAGE_SIZE = 4096;

/** user + system CPU seconds of a process (and of its reaped children, which we never have). */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

export function rssBytes(pid) {
  const statm = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
  return Number(statm[1]) * PAGE_SIZE;
}

/** Samples a process's peak RSS while `fn` runs. */
export async function withPeakRss(pid, fn) {
  let peak = rssBytes(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssBytes(pid));
    } catch {
      /* exited */
    }
  }, 100);
  try {
    const result = await fn();
    peak = Math.max(peak, rssBytes(pid));
    return { result, peakRss: peak };
  } finally {
    clearInterval(timer);
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Spawns a process and resolves once its output matches `ready`. */
export function start(command, args, { env = {}, ready, timeoutMs = 60_000, cwd = ROOT } = {}) {
  const child = spawn(command, args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} did not start:\n${output}`));
    }, timeoutMs);
    let started = false;
    const onData = (chunk) => {
      if (output.length < 100_000) output += chunk;
      if (started) return;
      const match = ready.exec(output);
      if (match) {
        started = true;
        clearTimeout(timer);
        resolve({ child, match, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!started) reject(new Error(`${command} exited with ${code}:\n${output}`));
    });
  });
}

export function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
  });
}

/**
 * The gateway as users run it (`node dist/main.js`). `profile` 'sqlite' (embedded) or 'pg' (PostgreSQL, and Redis
 * when `redis` is set). Rate limits are raised: the benchmarks measure throughput, not the limiter's refusals.
 */
export async function startGateway({ profile = 'sqlite', redis = false, env = {}, nodeArgs = [] } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-bench-'));
  const schema = `bench_${process.pid}_${Date.now().toString(36)}`;
  const prefix = `bench:${process.pid}:${Date.now().toString(36)}:`;
  const fullEnv = {
    DATA_DIR: dataDir,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    MQTT_PORT: '0',
    LOG_LEVEL: 'warn',
    ADMIN_API_KEY: ADMIN_KEY,
    RATE_LIMIT_STANDARD: '100000000',
    RATE_LIMIT_BATCH: '100000000',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    ...(profile === 'pg' && { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema }),
    ...(redis && { REDIS_URL, REDIS_PREFIX: prefix }),
    ...env,
  };
  const gatewayDist = process.env.BENCH_GATEWAY_DIST ?? join(ROOT, 'dist');
  // BENCH_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": profile the gateway (see bench/profile-top.mjs)
  const extraArgs = process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const { child, match, output } = await start(
    process.execPath,
    [...extraArgs, ...nodeArgs, join(gatewayDist, 'main.js')],
    {
      env: fullEnv,
      ready: /Gateway listening on http:\/\/[^:]+:(\d+) \(MQTT on port (\d+)/,
    },
  );
  const baseUrl = `http://127.0.0.1:${match[1]}`;
  return {
    child,
    pid: child.pid,
    baseUrl,
    mqttUrl: `mqtt://127.0.0.1:${match[2]}`,
    schema: profile === 'pg' ? schema : null,
    output,
    async stop() {
      await stop(child);
      rmSync(dataDir, { recursive: true, force: true });
      if (profile === 'pg') await dropSchema(schema);
      if (redis) await deleteRedisPrefix(prefix);
    },
  };
}

export async function withPg(fn) {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function dropSchema(schema) {
  await withPg((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}

async function deleteRedisPrefix(prefix) {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    /* leftovers are harmless: every run has its own prefix */
  } finally {
    redis.disconnect();
  }
}

export async function api(baseUrl, method, path, body) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN_KEY}`, ...(body && { 'Content-Type': 'application/json' }) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** Registers `n` devices (ids `${prefix}-${i}`) at a few requests at a time; returns MQTT credentials. */
export async function provisionDevices(baseUrl, n, prefix = 'bench', onProgress = () => {}) {
  const devices = new Array(n);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const { data } = await api(baseUrl, 'POST', '/v1/iot/devices', { id: `${prefix}-${i}` });
      devices[i] = { id: data.id, username: data.id, password: data.credentials.password };
      if (++done % 1000 === 0) onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return devices;
}

export async function metric(baseUrl, name) {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export async function waitFor(check, { timeoutMs = 120_000, intervalMs = 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
}

/** Raw Aedes 1.2, default options, no hooks (bench/raw-aedes.mjs). */
export async function startRawAedes() {
  const { child, match } = await start(process.execPath, [join(ROOT, 'bench/raw-aedes.mjs')], { ready: /PORT (\d+)/ });
  return { child, pid: child.pid, mqttUrl: `mqtt://127.0.0.1:${match[1]}`, stop: () => stop(child) };
}

/**
 * Our own Mosquitto on a spare port with its own config (never the one on 1883). With `users`, password
 * authentication (mosquitto_passwd hashes the file) and no anonymous access, like the gateway.
 */
export async function startMosquitto({ users = null } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mosq-bench-'));
  const port = await freePort();
  const lines = [
    `listener ${port} 127.0.0.1`,
    'persistence false',
    'log_dest stderr',
    'log_type error',
    'max_keepalive 600',
    // without it, a lone QoS 1 message waits out Nagle's algorithm (~40 ms); the gateway's sockets are no-delay too
    'set_tcp_nodelay true',
  ];
  // started as root, Mosquitto would switch to the `mosquitto` user, who cannot read our private temp dir
  if (process.getuid?.() === 0) lines.push('user root');
  if (users) {
    const passwd = join(dir, 'passwd');
    writeFileSync(passwd, users.map((u) => `${u.username}:${u.password}`).join('\n') + '\n', { mode: 0o600 });
    execFileSync('mosquitto_passwd', ['-U', passwd]);
    lines.push('allow_anonymous false', `password_file ${passwd}`);
  } else {
    lines.push('allow_anonymous true');
  }
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, lines.join('\n') + '\n');
  const child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  // ready when the port accepts connections
  const ok = await waitFor(() => child.exitCode === null && portOpen(port), { timeoutMs: 10_000, intervalMs: 100 });
  if (!ok) throw new Error(`mosquitto did not start: ${stderr}`);
  return {
    child,
    pid: child.pid,
    mqttUrl: `mqtt://127.0.0.1:${port}`,
    async stop() {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Forks one load-generator process (bench/lib/loadgen.mjs) per task and waits until every one is prepared
 * (clients connected…). Then `go()` starts them together; `results()` gives what each reports, including its own
 * CPU seconds; `stop()` ends the open-ended tasks (responders, receivers); `kill()` ends the processes.
 */
export async function startLoad(tasks) {
  const procs = tasks.map((task) => {
    const child = fork(join(ROOT, 'bench/lib/loadgen.mjs'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const proc = { child, info: {} };
    const ready = deferred();
    const result = deferred();
    proc.ready = ready.promise;
    proc.result = result.promise;
    result.promise.catch(() => {});
    child.on('message', (msg) => {
      if (msg.ready) ready.resolve();
      else if (msg.port) proc.info.port = msg.port;
      else if (msg.progress !== undefined) proc.info.progress = msg.progress;
      else if (msg.result) result.resolve(msg.result);
      else if (msg.error) {
        const err = new Error(`load generator (${task.task}): ${msg.error}`);
        ready.reject(err);
        result.reject(err);
      }
    });
    child.once('exit', (code) => {
      const err = new Error(`load generator (${task.task}) exited with ${code}`);
      ready.reject(err);
      result.reject(err);
    });
    child.send(task);
    return proc;
  });
  const kill = () => procs.forEach((p) => p.child.exitCode === null && p.child.kill('SIGKILL'));
  try {
    await Promise.all(procs.map((p) => p.ready));
  } catch (err) {
    kill();
    throw err;
  }
  return {
    procs,
    go: () => procs.forEach((p) => p.child.send({ go: true })),
    stop: () => procs.forEach((p) => p.child.connected && p.child.send({ stop: true })),
    results: () => Promise.all(procs.map((p) => p.result)),
    kill,
  };
}

function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Splits `items` into `n` interleaved shards. */
export function split(items, n) {
  const out = Array.from({ length: n }, () => []);
  items.forEach((item, i) => out[i % n].push(item));
  return out;
}

/** Merges latency samples of several workers and gives p50/p99 (ms, one decimal). */
export function percentiles(samples) {
  const all = Float64Array.from(samples.flat()).sort();
  const at = (q) =>
    all.length ? Math.round(all[Math.min(all.length - 1, Math.floor(q * all.length))] * 10) / 10 : null;
  return { p50: at(0.5), p99: at(0.99) };
}

export const round = (n, digits = 0) => (n === null || Number.isNaN(n) ? null : Number(n.toFixed(digits)));
export const mb = (bytes) => round(bytes / 1048576, 1);
export const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '—');

export function log(line) {
  process.stderr.write(`  · ${line}\n`);
}

/** A result row without its private (`_`-prefixed) fields, for printing. */
export const publicRow = (row) => Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith('_')));

/**
 * Runs one measurement against the gateway (SQLite), raw Aedes (no auth) and Mosquitto (password file), in that
 * order, with the same `n` devices: provisioned on the gateway, their credentials reused by Mosquitto.
 * `measure(label, target, devices, gateway?)` returns a row; resolves with the three rows.
 */
export async function againstBrokers(n, idPrefix, measure) {
  const rows = [];
  const gw = await startGateway();
  let creds;
  try {
    log(`provisioning ${n} devices`);
    creds = await provisionDevices(gw.baseUrl, n, idPrefix, (done) => log(`  ${done}/${n}`));
    log('gateway');
    rows.push(await measure('gateway (SQLite)', gw, creds, gw));
  } finally {
    await gw.stop();
  }
  log('raw Aedes');
  const aedes = await startRawAedes();
  try {
    const anonymous = creds.map((d) => ({ id: d.id }));
    rows.push(await measure('raw Aedes 1.2 (no auth)', aedes, anonymous));
  } finally {
    await aedes.stop();
  }
  log('Mosquitto');
  const mosq = await startMosquitto({ users: creds });
  try {
    rows.push(await measure('Mosquitto (password file)', mosq, creds));
  } finally {
    await mosq.stop();
  }
  return rows;
}
