import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A refresh token. Rotated on every use: the used one is marked consumed (and kept, so that presenting it
 * again is recognized as reuse and revokes the whole grant).
 */
@Entity('oauth_refresh_tokens')
export class OAuthRefreshToken {
  /** hex SHA-256 of the token; the token itself is never stored */
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'grant_id', type: 'varchar', length: 64 })
  grantId!: string;

  @Column({ type: 'varchar', length: 50 })
  scopes!: string;

  @Column({ name: 'expires_at', type: 'varchar', length: 24 })
  expiresAt!: string;

  @Column({ name: 'consumed_at', type: 'varchar', length: 24, nullable: true })
  consumedAt!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;
}
