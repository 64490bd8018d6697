import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AlertSeverity } from '../broker/topics.js';

export const ALERT_STATUSES = ['active', 'cleared'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** At most one active alert per (device, type): a unique partial index enforces it. */
@Entity('alerts')
export class Alert {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'device_id', type: 'varchar', length: 64 })
  deviceId!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ type: 'varchar', length: 10 })
  severity!: AlertSeverity;

  @Column({ type: 'text' })
  message!: string;

  @Column({ type: 'simple-json', nullable: true })
  data!: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 10 })
  status!: AlertStatus;

  @Column({ type: 'boolean', default: false })
  acknowledged!: boolean;

  /** how many times the device raised it while active */
  @Column({ type: 'integer' })
  count!: number;

  @Column({ name: 'raised_at', type: 'varchar', length: 24 })
  raisedAt!: string;

  @Column({ name: 'last_raised_at', type: 'varchar', length: 24 })
  lastRaisedAt!: string;

  @Column({ name: 'cleared_at', type: 'varchar', length: 24, nullable: true })
  clearedAt!: string | null;

  @Column({ name: 'acknowledged_at', type: 'varchar', length: 24, nullable: true })
  acknowledgedAt!: string | null;
}
