import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DisconnectReason } from '../broker/disconnect-reasons.js';
import type { TelemetryValue } from '../broker/topics.js';

export const DEVICE_STATUSES = ['online', 'offline'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];
export const ALERT_STATES = ['normal', 'alerting'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

@Entity('devices')
export class Device {
  /** chosen by the caller (`device_001`) or generated (`dev_<ulid>`); also the MQTT client id and username */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  name!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  type!: string | null;

  @Column({ name: 'customer_id', type: 'varchar', length: 64, nullable: true })
  customerId!: string | null;

  @Column({ type: 'simple-json' })
  metadata!: Record<string, unknown>;

  /** hex SHA-256 of the device token; tokens are random, so a fast hash is the right one */
  @Column({ name: 'token_hash', type: 'varchar', length: 64, select: false })
  tokenHash!: string;

  @Column({ type: 'boolean', default: false })
  disabled!: boolean;

  @Column({ type: 'varchar', length: 10 })
  status!: DeviceStatus;

  @Column({ name: 'alert_state', type: 'varchar', length: 10 })
  alertState!: AlertState;

  @Column({ name: 'connected_at', type: 'varchar', length: 24, nullable: true })
  connectedAt!: string | null;

  @Column({ name: 'disconnected_at', type: 'varchar', length: 24, nullable: true })
  disconnectedAt!: string | null;

  /** last packet from the device; written in batches, not per message */
  @Column({ name: 'last_seen_at', type: 'varchar', length: 24, nullable: true })
  lastSeenAt!: string | null;

  @Column({ name: 'last_disconnect_reason', type: 'varchar', length: 32, nullable: true })
  lastDisconnectReason!: DisconnectReason | null;

  /** latest value of every telemetry key; merged in batches by the telemetry writer */
  @Column({ type: 'simple-json' })
  telemetry!: Record<string, TelemetryValue>;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 24 })
  updatedAt!: string;
}
