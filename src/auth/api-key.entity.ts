import { Column, Entity, PrimaryColumn } from 'typeorm';

export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

@Entity('api_keys')
export class ApiKey {
  /** `ak_<ulid>`: the public part of the key, not the secret. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** space-separated scopes */
  @Column({ type: 'varchar', length: 50 })
  scopes!: string;

  /** what listings show: the id and the first characters of the secret */
  @Column({ type: 'varchar', length: 64 })
  prefix!: string;

  /** hex SHA-256 of the whole key; keys are random, so a fast hash is the right one */
  @Column({ name: 'key_hash', type: 'varchar', length: 64, unique: true })
  keyHash!: string;

  /** `api` for keys created through the API, `env` for the one ensured from ADMIN_API_KEY, `bootstrap` for the first-start key */
  @Column({ type: 'varchar', length: 10 })
  source!: 'api' | 'env' | 'bootstrap';

  @Column({ name: 'expires_at', type: 'varchar', length: 24, nullable: true })
  expiresAt!: string | null;

  @Column({ name: 'last_used_at', type: 'varchar', length: 24, nullable: true })
  lastUsedAt!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;
}
