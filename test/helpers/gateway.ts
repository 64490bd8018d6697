import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ApiClient } from './api-client.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ADMIN_KEY = 'test-admin-key-0123456789abcdefghijklmnop';

/** The profile the suites run on: SQLite by default; PostgreSQL and Redis when the CI sets these. */
export const PROFILE = {
  postgresUrl: process.env.TEST_DATABASE_URL,
  redisUrl: process.env.TEST_REDIS_URL,
};

/** Where a gateway keeps its state; gateways started on the same storage share it (restarts, two instances). */
export interface Storage {
  env: Record<string, string>;
  dataDir: string;
  drop(): Promise<void>;
}

let counter = 0;

/** A fresh database for one test: a temp SQLite file, or a new PostgreSQL schema (and Redis key prefix). */
export function createStorage(): Storage {
  const id = `t${process.pid}_${Date.now().toString(36)}_${counter++}`.toLowerCase();
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-test-'));
  const env: Record<string, string> = { DATA_DIR: dataDir, REDIS_PREFIX: `test:${id}` };
  if (PROFILE.postgresUrl) {
    env.DATABASE_URL = PROFILE.postgresUrl;
    env.DATABASE_SCHEMA = id;
  }
  if (PROFILE.redisUrl) env.REDIS_URL = PROFILE.redisUrl;
  return {
    env,
    dataDir,
    async drop() {
      if (PROFILE.postgresUrl) {
        const client = new pg.Client({ connectionString: PROFILE.postgresUrl });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${id}" CASCADE`);
        await client.end();
      }
      if (PROFILE.redisUrl) await dropRedisKeys(PROFILE.redisUrl, `${env.REDIS_PREFIX}:*`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Deletes a test's Redis keys (rate-limit counters expire by themselves, BullMQ's queues do not). */
async function dropRedisKeys(url: string, pattern: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface Gateway {
  process: ChildProcess;
  baseUrl: string;
  httpPort: number;
  mqttPort: number | undefined;
  api: ApiClient;
  storage: Storage;
  /** everything the process printed so far */
  output(): string;
  /** SIGTERM and wait for a clean exit; returns the exit code */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash, no shutdown hooks */
  kill(): Promise<void>;
}

const READY = /Gateway listening on http:\/\/[^:]+:(\d+)(?:.*MQTT on port (\d+))?/;

/**
 * Starts the built gateway (`node dist/main.js`, exactly what users run) on free ports and waits until it
 * listens. The suites only talk to it from outside: HTTP, MQTT, webhooks.
 */
export async function startGateway(
  options: { env?: Record<string, string>; storage?: Storage } = {},
): Promise<Gateway> {
  const storage = options.storage ?? createStorage();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    MQTT_PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    ADMIN_API_KEY: ADMIN_KEY,
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    ...storage.env,
    ...options.env,
  };
  const child = spawn(process.execPath, [join(ROOT, 'dist/main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (process.env.TEST_GATEWAY_OUTPUT) process.stderr.write(chunk);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start in 30 s:\n${output}`)), 30_000);
    const check = () => {
      const match = READY.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before listening:\n${output}`));
    });
  });
  const httpPort = Number(ready[1]);
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  return {
    process: child,
    baseUrl,
    httpPort,
    mqttPort: ready[2] ? Number(ready[2]) : undefined,
    api: new ApiClient(baseUrl, ADMIN_KEY),
    storage,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      let hung = false;
      const timer = setTimeout(() => {
        hung = true;
        child.kill('SIGKILL');
      }, 20_000);
      const code = await exited;
      clearTimeout(timer);
      // a shutdown that had to be killed: show what the gateway said, for the failing assertion's sake
      if (hung)
        process.stderr.write(`gateway did not stop within 20 s after SIGTERM; its output:\n${output.slice(-6000)}\n`);
      if (!options.storage) await storage.drop();
      return code;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Runs the gateway with `env` expecting it to refuse to start; resolves with its exit code and output. */
export async function runGatewayExpectingFailure(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/main.js')], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, output };
}
