import { Column, Entity, PrimaryColumn } from 'typeorm';

/** SPEC §6 lifecycle: queued → sent → delivered (PUBACK) → succeeded | failed, or timed_out, expired, cancelled. */
export const COMMAND_STATUSES = [
  'queued',
  'sent',
  'delivered',
  'succeeded',
  'failed',
  'timed_out',
  'expired',
  'cancelled',
] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];

/** Still waiting for something: delivery, or the device's reply. */
export const PENDING_STATUSES = ['queued', 'sent', 'delivered'] as const satisfies readonly CommandStatus[];
/** Published, awaiting the reply (the reply deadline runs). */
export const IN_FLIGHT_STATUSES = ['sent', 'delivered'] as const satisfies readonly CommandStatus[];

export function isFinished(status: CommandStatus): boolean {
  return !(PENDING_STATUSES as readonly CommandStatus[]).includes(status);
}

/** Why a command ended without the device's own answer (`error.code`; devices' codes are theirs). */
export type CommandErrorCode = 'TIMED_OUT' | 'EXPIRED' | 'CANCELLED' | 'MALFORMED_REPLY' | 'DEVICE_OFFLINE';

export interface CommandError {
  code: string | number;
  message: string;
}

@Entity('commands')
export class Command {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'device_id', type: 'varchar', length: 64 })
  deviceId!: string;

  @Column({ type: 'varchar', length: 64 })
  command!: string;

  @Column({ type: 'simple-json' })
  params!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16 })
  status!: CommandStatus;

  /** the device's `result`, JSON-encoded (any JSON value); null when none */
  @Column({ type: 'text', nullable: true })
  result!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  error!: CommandError | null;

  @Column({ name: 'timeout_ms', type: 'integer' })
  timeoutMs!: number;

  @Column({ name: 'ttl_seconds', type: 'integer' })
  ttlSeconds!: number;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;

  @Column({ name: 'sent_at', type: 'varchar', length: 24, nullable: true })
  sentAt!: string | null;

  @Column({ name: 'delivered_at', type: 'varchar', length: 24, nullable: true })
  deliveredAt!: string | null;

  @Column({ name: 'completed_at', type: 'varchar', length: 24, nullable: true })
  completedAt!: string | null;

  /** a queued command not sent by then ends `expired` (createdAt + ttlSeconds, or + timeoutMs when ttl is 0) */
  @Column({ name: 'expires_at', type: 'varchar', length: 24 })
  expiresAt!: string;

  /** reply deadline of an in-flight command (sentAt + timeoutMs): the timers' and the sweeper's key */
  @Column({ name: 'deadline_at', type: 'varchar', length: 24, nullable: true })
  deadlineAt!: string | null;
}
