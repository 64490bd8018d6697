import { Injectable } from '@nestjs/common';
import { Mutex } from 'async-mutex';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * Entry point for writes. On PostgreSQL each transaction gets its own pooled connection. SQLite has
 * exactly one connection, and TypeORM shares one query runner across callers, so two transactions
 * in flight at once would interleave on it (the second becoming a SAVEPOINT of the first). Writes
 * are therefore serialized through a mutex on SQLite; SQLite serializes writers anyway, so this
 * costs no throughput, and each transaction stays short (no network I/O inside).
 */
@Injectable()
export class DatabaseService {
  private readonly writeLock: Mutex | undefined;

  constructor(readonly dataSource: DataSource) {
    this.writeLock = dataSource.options.type === 'better-sqlite3' ? new Mutex() : undefined;
  }

  get isPostgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const run = () => this.dataSource.transaction(work);
    return this.writeLock ? this.writeLock.runExclusive(run) : run();
  }
}

/** True for a unique-constraint violation on either database. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } };
  const code = e?.driverError?.code ?? e?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
