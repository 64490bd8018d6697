import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The server-side record of an issued access token (a JWT, identified by its `jti`): what lets a
 * self-contained token be revoked, on its own (RFC 7009) or with its grant.
 */
@Entity('oauth_access_tokens')
export class OAuthAccessToken {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  jti!: string;

  @Column({ name: 'grant_id', type: 'varchar', length: 64 })
  grantId!: string;

  @Column({ name: 'expires_at', type: 'varchar', length: 24 })
  expiresAt!: string;

  @Column({ name: 'revoked_at', type: 'varchar', length: 24, nullable: true })
  revokedAt!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;
}
