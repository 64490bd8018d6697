import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One user's consent to one client, made on the consent page: the code, and every access and refresh
 * token that descends from it, belong to the grant. Revoking the grant (code replay, refresh token reuse,
 * revocation of a refresh token) kills all of them at once, as in oidc-provider.
 */
@Entity('oauth_grants')
export class OAuthGrant {
  /** `grt_<ulid>` */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  /** space-separated scopes the user approved */
  @Column({ type: 'varchar', length: 50 })
  scopes!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;

  @Column({ name: 'revoked_at', type: 'varchar', length: 24, nullable: true })
  revokedAt!: string | null;

  /** why: `code_replay`, `refresh_token_reuse`, `revoked` (RFC 7009) */
  @Column({ name: 'revoked_reason', type: 'varchar', length: 32, nullable: true })
  revokedReason!: string | null;
}
