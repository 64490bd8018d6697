import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { col } from './columns.js';

/** Device registry, telemetry history and alerts. */
export class Devices1764500000000 implements MigrationInterface {
  name = 'Devices1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'devices',
        columns: [
          col.id(),
          col.varchar('name', 200, true),
          col.varchar('type', 64, true),
          col.varchar('customer_id', 64, true),
          col.text('metadata'),
          col.varchar('token_hash', 64),
          col.bool('disabled'),
          col.varchar('status', 10),
          col.varchar('alert_state', 10),
          col.time('connected_at', true),
          col.time('disconnected_at', true),
          col.time('last_seen_at', true),
          col.varchar('last_disconnect_reason', 32, true),
          col.text('telemetry'),
          col.time('created_at'),
          col.time('updated_at'),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_devices_customer',
            columnNames: ['customer_id'],
            referencedTableName: 'customers',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
      }),
    );
    await q.createIndices('devices', [
      new TableIndex({ name: 'ix_devices_created', columnNames: ['created_at', 'id'] }),
      // crash recovery looks up the devices left online; lists filter on status
      new TableIndex({ name: 'ix_devices_status', columnNames: ['status', 'created_at'] }),
      new TableIndex({ name: 'ix_devices_customer', columnNames: ['customer_id'] }),
      new TableIndex({ name: 'ix_devices_last_seen', columnNames: ['last_seen_at'] }),
    ]);

    // no foreign key to devices: history is append-only and written in batches; a batch must not fail
    // because one device was deleted meanwhile (the delete removes the device's history itself)
    await q.createTable(
      new Table({
        name: 'telemetry',
        columns: [col.id(), col.varchar('device_id', 64), col.varchar('key', 64), col.text('value'), col.time('ts')],
      }),
    );
    await q.createIndices('telemetry', [
      new TableIndex({ name: 'ix_telemetry_device_key_ts', columnNames: ['device_id', 'key', 'ts'] }),
      new TableIndex({ name: 'ix_telemetry_device_ts', columnNames: ['device_id', 'ts'] }),
      // retention deletes by age
      new TableIndex({ name: 'ix_telemetry_ts', columnNames: ['ts'] }),
    ]);

    await q.createTable(
      new Table({
        name: 'alerts',
        columns: [
          col.id(),
          col.varchar('device_id', 64),
          col.varchar('type', 64),
          col.varchar('severity', 10),
          col.text('message'),
          col.text('data', true),
          col.varchar('status', 10),
          col.bool('acknowledged'),
          col.int('count'),
          col.time('raised_at'),
          col.time('last_raised_at'),
          col.time('cleared_at', true),
          col.time('acknowledged_at', true),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_alerts_device',
            columnNames: ['device_id'],
            referencedTableName: 'devices',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await q.createIndices('alerts', [
      // SPEC §5: at most one active alert per (device, type)
      new TableIndex({
        name: 'uq_alerts_active_type',
        columnNames: ['device_id', 'type'],
        isUnique: true,
        where: "status = 'active'",
      }),
      new TableIndex({ name: 'ix_alerts_raised', columnNames: ['raised_at', 'id'] }),
      new TableIndex({ name: 'ix_alerts_device_raised', columnNames: ['device_id', 'raised_at'] }),
      new TableIndex({ name: 'ix_alerts_status', columnNames: ['status', 'raised_at'] }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['alerts', 'telemetry', 'devices']) await q.dropTable(table);
  }
}
