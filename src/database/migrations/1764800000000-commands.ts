import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { col } from './columns.js';

/** Commands (sendCommand) and the Idempotency-Keys of the calls that created them. */
export class Commands1764800000000 implements MigrationInterface {
  name = 'Commands1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'commands',
        columns: [
          col.id(),
          col.varchar('device_id', 64),
          col.varchar('command', 64),
          col.text('params'),
          col.varchar('status', 16),
          col.text('result', true),
          col.text('error', true),
          col.int('timeout_ms'),
          col.int('ttl_seconds'),
          col.time('created_at'),
          col.time('sent_at', true),
          col.time('delivered_at', true),
          col.time('completed_at', true),
          col.time('expires_at'),
          col.time('deadline_at', true),
        ],
        foreignKeys: [
          // a deleted device takes its commands with it, as its alerts and telemetry (a device re-created
          // with the same id must not receive the old one's queue)
          new TableForeignKey({
            name: 'fk_commands_device',
            columnNames: ['device_id'],
            referencedTableName: 'devices',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await q.createIndices('commands', [
      // the device's queue in creation order, its counts, and its history
      new TableIndex({ name: 'ix_commands_device_status', columnNames: ['device_id', 'status', 'created_at', 'id'] }),
      new TableIndex({ name: 'ix_commands_device_created', columnNames: ['device_id', 'created_at', 'id'] }),
      // the sweeper: queued past expires_at, in flight past deadline_at
      new TableIndex({ name: 'ix_commands_status_expires', columnNames: ['status', 'expires_at'] }),
      new TableIndex({ name: 'ix_commands_status_deadline', columnNames: ['status', 'deadline_at'] }),
    ]);

    await q.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          col.id(),
          col.varchar('principal_key', 200),
          col.varchar('key', 255),
          col.varchar('fingerprint', 64),
          col.text('command_ids'),
          col.int('response_status', true),
          col.time('created_at'),
          col.time('expires_at'),
        ],
      }),
    );
    await q.createIndices('idempotency_keys', [
      // one per (principal, key): a concurrent duplicate fails to insert instead of creating a second command
      new TableIndex({ name: 'uq_idempotency_keys', columnNames: ['principal_key', 'key'], isUnique: true }),
      new TableIndex({ name: 'ix_idempotency_keys_expires', columnNames: ['expires_at'] }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['idempotency_keys', 'commands']) await q.dropTable(table);
  }
}
