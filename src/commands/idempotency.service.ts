import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, IsNull, LessThanOrEqual, MoreThan, type Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { Clock } from '../common/clock.js';
import { sha256Hex } from '../common/crypto.js';
import { AppException, fieldError } from '../common/errors/app.exception.js';
import { newId } from '../common/ids.js';
import { DatabaseService } from '../database/database.service.js';
import { IDEMPOTENCY_KEY_PATTERN } from './commands.schemas.js';
import { IdempotencyKey } from './idempotency-key.entity.js';

const TTL_MS = 24 * 3600_000;

/** A request that carried an Idempotency-Key: who sent it, the key, and what it asked for. */
export interface IdempotentRequest {
  principalKey: string;
  key: string;
  fingerprint: string;
}

/**
 * Idempotency-Keys (SPEC §12): per principal, for 24 h, a retry with the same key gets the first call's status
 * and command(s). The key is stored in the transaction that creates the commands, under a unique index on
 * (principal, key): of two concurrent calls with one key, exactly one creates commands; the other's insert
 * fails (PostgreSQL) or finds the row (SQLite, whose writers are serialized) and it answers as a retry.
 * Only calls that created commands are remembered: a refused call (404, 422 offline…) may be retried as new.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    @InjectRepository(IdempotencyKey) private readonly keys: Repository<IdempotencyKey>,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
  ) {}

  /** Validates the header; undefined when absent. `request` is what makes two calls "the same". */
  request(principalKey: string, header: string | undefined, request: unknown): IdempotentRequest | undefined {
    if (header === undefined) return undefined;
    if (!IDEMPOTENCY_KEY_PATTERN.test(header)) {
      throw AppException.validation([fieldError('Idempotency-Key', 'idempotency_key_invalid')]);
    }
    return { principalKey, key: header, fingerprint: sha256Hex(JSON.stringify(request)) };
  }

  /** The live record of this key, if any; a record of another request with the same key → 42201. */
  async find(request: IdempotentRequest, m: EntityManager = this.keys.manager): Promise<IdempotencyKey | null> {
    const found = await m.findOneBy(IdempotencyKey, {
      principalKey: request.principalKey,
      key: request.key,
      expiresAt: MoreThan(this.clock.iso()),
    });
    if (found && found.fingerprint !== request.fingerprint) throw AppException.businessRule('idempotency_key_reused');
    return found;
  }

  /** Stores the key with the commands it created, in their transaction. */
  async store(m: EntityManager, request: IdempotentRequest, commandIds: string[]): Promise<IdempotencyKey> {
    const now = this.clock.iso();
    // a record past its 24 h still holds the unique index
    await m.delete(IdempotencyKey, {
      principalKey: request.principalKey,
      key: request.key,
      expiresAt: LessThanOrEqual(now),
    });
    const record = m.create(IdempotencyKey, {
      id: newId('req'),
      principalKey: request.principalKey,
      key: request.key,
      fingerprint: request.fingerprint,
      commandIds,
      responseStatus: null,
      createdAt: now,
      expiresAt: this.clock.iso(TTL_MS),
    });
    await m.insert(IdempotencyKey, record as QueryDeepPartialEntity<IdempotencyKey>);
    return record;
  }

  /** The status the call answered with; only the first answer counts. */
  async answered(record: IdempotencyKey, status: number): Promise<void> {
    await this.db.transaction((m) =>
      m.update(IdempotencyKey, { id: record.id, responseStatus: IsNull() }, { responseStatus: status }),
    );
  }
}
