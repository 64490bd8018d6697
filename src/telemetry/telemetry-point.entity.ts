import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One value of one key at one time: the telemetry history. Written in batches by the TelemetryWriter. */
@Entity('telemetry')
export class TelemetryPoint {
  /** a ULID: time-sortable, the tie-breaker of keyset pagination */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'device_id', type: 'varchar', length: 64 })
  deviceId!: string;

  @Column({ type: 'varchar', length: 64 })
  key!: string;

  /** the value as JSON (`21.5`, `"open"`, `true`), so that its type survives */
  @Column({ type: 'text' })
  value!: string;

  /** the device's `ts`, or when the gateway received the message */
  @Column({ type: 'varchar', length: 24 })
  ts!: string;
}
