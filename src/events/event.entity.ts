import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The outbox: one row per business event, written in the transaction of the change that caused it. */
@Entity('events')
export class EventRecord {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ type: 'simple-json' })
  data!: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;

  /** Set by the webhook relay once the event has been fanned out to its subscribers; NULL until then. */
  @Column({ name: 'relayed_at', type: 'varchar', length: 24, nullable: true })
  relayedAt?: string | null;
}
