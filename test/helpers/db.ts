import Database from 'better-sqlite3';
import { join } from 'node:path';
import pg from 'pg';
import type { Storage } from './gateway.js';

/**
 * Runs SQL directly against a gateway's database, for tests that must reach under the API (simulating a broken
 * table, reading what was stored). Parameters use `$1` placeholders on both databases.
 */
export async function sql<T = Record<string, unknown>>(
  storage: Storage,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  if (storage.env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: storage.env.DATABASE_URL });
    await client.connect();
    try {
      await client.query(`SET search_path TO "${storage.env.DATABASE_SCHEMA}"`);
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const db = new Database(join(storage.dataDir, 'gateway.sqlite'));
  try {
    db.pragma('busy_timeout = 5000');
    const order: number[] = [];
    const statement = db.prepare(text.replace(/\$(\d+)/g, (_, n: string) => (order.push(Number(n) - 1), '?')));
    const args = order.map((i) => params[i]);
    return (statement.reader ? statement.all(...args) : (statement.run(...args), [])) as T[];
  } finally {
    db.close();
  }
}
