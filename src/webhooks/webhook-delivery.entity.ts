import { Column, Entity, PrimaryColumn } from 'typeorm';

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * `auto` attempts come from the relay and are retried on the schedule; `manual` ones (test, redelivery) are a
 * single attempt.
 */
export type DeliveryKind = 'auto' | 'manual';

/**
 * One attempt to deliver one event to one webhook. A `pending` row is queued work (due at `nextAttemptAt`); the
 * attempt turns it into `succeeded` or `failed`, and a failed automatic attempt schedules the next one as a new
 * pending row. The table is thus both the delivery log and the durable queue that BullMQ (or the in-process
 * worker) runs.
 */
@Entity('webhook_deliveries')
export class WebhookDelivery {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'webhook_id', type: 'varchar', length: 64 })
  webhookId!: string;

  @Column({ name: 'event_id', type: 'varchar', length: 64 })
  eventId!: string;

  @Column({ name: 'event_type', type: 'varchar', length: 64 })
  eventType!: string;

  /** 1 for the first attempt of an event at this webhook, then 2, 3, … (redeliveries continue the count) */
  @Column({ type: 'integer' })
  attempt!: number;

  @Column({ type: 'varchar', length: 10 })
  kind!: DeliveryKind;

  @Column({ type: 'varchar', length: 10 })
  status!: DeliveryStatus;

  /** pending: when the attempt is due; failed: when the retry is due (NULL if none) */
  @Column({ name: 'next_attempt_at', type: 'varchar', length: 24, nullable: true })
  nextAttemptAt!: string | null;

  @Column({ name: 'attempted_at', type: 'varchar', length: 24, nullable: true })
  attemptedAt!: string | null;

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus!: number | null;

  /** the first 1 KiB of the response body */
  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody!: string | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;
}
