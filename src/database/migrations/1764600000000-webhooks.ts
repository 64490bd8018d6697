import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';
import { col } from './columns.js';

/**
 * Webhook subscriptions, their delivery log (one row per attempt, which is also the delivery queue), and the
 * relay marker on the event outbox.
 */
export class Webhooks1764600000000 implements MigrationInterface {
  name = 'Webhooks1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'webhooks',
        columns: [
          col.id(),
          col.varchar('url', 2048),
          col.text('events'),
          col.varchar('description', 500, true),
          col.varchar('secret', 256),
          col.varchar('status', 10),
          col.varchar('disabled_reason', 32, true),
          col.time('failing_since', true),
          col.varchar('lease_token', 64, true),
          col.time('lease_until', true),
          col.time('created_at'),
          col.time('updated_at'),
        ],
      }),
    );
    await q.createIndices('webhooks', [
      new TableIndex({ name: 'ix_webhooks_created', columnNames: ['created_at', 'id'] }),
      new TableIndex({ name: 'ix_webhooks_status', columnNames: ['status'] }),
    ]);
    await q.createTable(
      new Table({
        name: 'webhook_deliveries',
        columns: [
          col.id(),
          col.varchar('webhook_id', 64),
          col.varchar('event_id', 64),
          col.varchar('event_type', 64),
          col.int('attempt'),
          col.varchar('kind', 10),
          col.varchar('status', 10),
          col.time('next_attempt_at', true),
          col.time('attempted_at', true),
          col.int('response_status', true),
          col.text('response_body', true),
          col.int('duration_ms', true),
          col.varchar('error', 500, true),
          col.time('created_at'),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_webhook_deliveries_webhook',
            columnNames: ['webhook_id'],
            referencedTableName: 'webhooks',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await q.createIndices('webhook_deliveries', [
      new TableIndex({ name: 'ix_webhook_deliveries_log', columnNames: ['webhook_id', 'created_at', 'id'] }),
      new TableIndex({ name: 'ix_webhook_deliveries_event', columnNames: ['webhook_id', 'event_id', 'attempt'] }),
      new TableIndex({ name: 'ix_webhook_deliveries_due', columnNames: ['status', 'next_attempt_at'] }),
    ]);

    // The relay marks each event once it has been turned into deliveries. Events recorded before this
    // migration had no subscribers to go to.
    await q.addColumn('events', new TableColumn(col.time('relayed_at', true)));
    await q.query('UPDATE events SET relayed_at = created_at');
    await q.createIndex(
      'events',
      new TableIndex({ name: 'ix_events_unrelayed', columnNames: ['id'], where: 'relayed_at IS NULL' }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('events', 'ix_events_unrelayed');
    await q.dropColumn('events', 'relayed_at');
    await q.dropTable('webhook_deliveries');
    await q.dropTable('webhooks');
  }
}
