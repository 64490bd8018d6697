import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A validated authorization request while the user signs in and decides (the login and consent pages).
 * Identified by a random id that travels in the page URL and in a cookie bound to that path; only its
 * hash is stored. Completed at most once.
 */
@Entity('oauth_interactions')
export class OAuthInteraction {
  /** hex SHA-256 of the interaction id */
  @PrimaryColumn({ name: 'id_hash', type: 'varchar', length: 64 })
  idHash!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ name: 'redirect_uri', type: 'text' })
  redirectUri!: string;

  @Column({ type: 'varchar', length: 50 })
  scopes!: string;

  /** the client's `state`, returned byte for byte */
  @Column({ type: 'text', nullable: true })
  state!: string | null;

  @Column({ name: 'code_challenge', type: 'varchar', length: 128, nullable: true })
  codeChallenge!: string | null;

  /** set once the user signed in on the login page */
  @Column({ name: 'user_id', type: 'varchar', length: 64, nullable: true })
  userId!: string | null;

  /** the form's CSRF token; replaced after sign-in */
  @Column({ name: 'csrf_token', type: 'varchar', length: 64 })
  csrfToken!: string;

  @Column({ name: 'expires_at', type: 'varchar', length: 24 })
  expiresAt!: string;

  @Column({ name: 'completed_at', type: 'varchar', length: 24, nullable: true })
  completedAt!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;
}
