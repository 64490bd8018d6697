import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An `Idempotency-Key` seen from a principal (SPEC §12: same principal, 24 h): what the first call created and
 * answered, so that a retry gets the same command and status instead of a second command.
 */
@Entity('idempotency_keys')
export class IdempotencyKey {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  /** Principal.key: the API key or the OAuth user+client */
  @Column({ name: 'principal_key', type: 'varchar', length: 200 })
  principalKey!: string;

  @Column({ type: 'varchar', length: 255 })
  key!: string;

  /** SHA-256 of the request (route, device, body): the same key with another request is refused */
  @Column({ type: 'varchar', length: 64 })
  fingerprint!: string;

  @Column({ name: 'command_ids', type: 'simple-json' })
  commandIds!: string[];

  /** the HTTP status the first call answered with; null while it has not answered yet */
  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus!: number | null;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;

  @Column({ name: 'expires_at', type: 'varchar', length: 24 })
  expiresAt!: string;
}
