import { Column, Entity, PrimaryColumn } from 'typeorm';

export const WEBHOOK_STATUSES = ['active', 'disabled'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

/** Why a webhook stopped receiving events: by its owner, a 410 Gone answer, or a whole retry schedule of failures. */
export const DISABLED_REASONS = ['manual', 'endpoint_gone', 'failing'] as const;
export type DisabledReason = (typeof DISABLED_REASONS)[number];

@Entity('webhooks')
export class Webhook {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  /** event filters: exact types, `category.*` or `*` */
  @Column({ type: 'simple-json' })
  events!: string[];

  @Column({ type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  /** Kept in clear: it is the HMAC key of every delivery. Never returned after creation or rotation. */
  @Column({ type: 'varchar', length: 256 })
  secret!: string;

  @Column({ type: 'varchar', length: 10 })
  status!: WebhookStatus;

  @Column({ name: 'disabled_reason', type: 'varchar', length: 32, nullable: true })
  disabledReason!: DisabledReason | null;

  /** Time of the first failed attempt since the last successful one; NULL while the endpoint is healthy. */
  @Column({ name: 'failing_since', type: 'varchar', length: 24, nullable: true })
  failingSince!: string | null;

  /** Who is delivering to this webhook right now (one sender at a time keeps events in order), and until when. */
  @Column({ name: 'lease_token', type: 'varchar', length: 64, nullable: true })
  leaseToken!: string | null;

  @Column({ name: 'lease_until', type: 'varchar', length: 24, nullable: true })
  leaseUntil!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 24 })
  updatedAt!: string;
}
