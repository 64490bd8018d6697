import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config.js';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';

/**
 * TypeORM options for either profile. The schema is only ever built by running the migrations,
 * at start (`migrationsRun`); `synchronize` is never used.
 */
export async function dataSourceOptions(db: DatabaseConfig): Promise<DataSourceOptions> {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: false,
  };
  if (db.type === 'sqlite') {
    mkdirSync(dirname(db.path), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: db.path,
      enableWAL: true,
      prepareDatabase: (sqlite: { pragma(sql: string): unknown }) => {
        sqlite.pragma('foreign_keys = ON');
        sqlite.pragma('busy_timeout = 5000');
        // WAL + NORMAL: durable across process crashes (what we promise), fsync only at checkpoints
        sqlite.pragma('synchronous = NORMAL');
      },
    };
  }
  if (db.schema) await ensureSchema(db.url, db.schema);
  return {
    ...common,
    type: 'postgres',
    url: db.url,
    ...(db.schema && { schema: db.schema, extra: { options: `-c search_path=${db.schema}`, max: 20 } }),
    ...(!db.schema && { extra: { max: 20 } }),
  };
}

async function ensureSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // schema is validated as a plain identifier by the config parser
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } finally {
    await client.end();
  }
}
