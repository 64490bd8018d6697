import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An authorization code: single use, short-lived, bound to client, redirect_uri and PKCE challenge. */
@Entity('oauth_authorization_codes')
export class OAuthAuthorizationCode {
  /** hex SHA-256 of the code; the code itself is never stored */
  @PrimaryColumn({ name: 'code_hash', type: 'varchar', length: 64 })
  codeHash!: string;

  @Column({ name: 'grant_id', type: 'varchar', length: 64 })
  grantId!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ name: 'redirect_uri', type: 'text' })
  redirectUri!: string;

  @Column({ type: 'varchar', length: 50 })
  scopes!: string;

  /** S256 challenge (the only method supported), or null when the client sent none */
  @Column({ name: 'code_challenge', type: 'varchar', length: 128, nullable: true })
  codeChallenge!: string | null;

  @Column({ name: 'expires_at', type: 'varchar', length: 24 })
  expiresAt!: string;

  /** set by the one redemption that wins (`UPDATE … WHERE consumed_at IS NULL`) */
  @Column({ name: 'consumed_at', type: 'varchar', length: 24, nullable: true })
  consumedAt!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;
}
