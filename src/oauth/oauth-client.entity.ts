import { Column, Entity, PrimaryColumn } from 'typeorm';

export const OAUTH_SCOPES = ['read', 'write'] as const;
export type OAuthScope = (typeof OAUTH_SCOPES)[number];
export type OAuthClientType = 'confidential' | 'public';

/** A third-party application registered by an admin (SPEC §8). */
@Entity('oauth_clients')
export class OAuthClient {
  /** `cli_<ulid>`; also the OAuth `client_id` */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 12 })
  type!: OAuthClientType;

  /** JSON array of absolute URIs, compared byte for byte with the authorization request's redirect_uri */
  @Column({ name: 'redirect_uris', type: 'text' })
  redirectUris!: string;

  /** space-separated scopes the client may ask for */
  @Column({ type: 'varchar', length: 50 })
  scopes!: string;

  /** hex SHA-256 of the client secret (confidential clients only); secrets are random, so a fast hash is right */
  @Column({ name: 'secret_hash', type: 'varchar', length: 64, nullable: true })
  secretHash!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;
}
