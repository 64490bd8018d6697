import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { col } from './columns.js';

/** Users, API keys, CRM and the event outbox. Written with the table API so it runs on SQLite and PostgreSQL alike. */
export class InitialSchema1764400000000 implements MigrationInterface {
  name = 'InitialSchema1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          col.id(),
          col.varchar('email', 254),
          col.varchar('name', 100),
          col.varchar('password_hash', 255, true),
          col.varchar('role', 10),
          col.time('created_at'),
          col.time('updated_at'),
        ],
        uniques: [{ name: 'uq_users_email', columnNames: ['email'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          col.id(),
          col.varchar('user_id', 64),
          col.varchar('name', 100),
          col.varchar('scopes', 50),
          col.varchar('prefix', 64),
          col.varchar('key_hash', 64),
          col.varchar('source', 10),
          col.time('expires_at', true),
          col.time('last_used_at', true),
          col.time('created_at'),
        ],
        uniques: [{ name: 'uq_api_keys_key_hash', columnNames: ['key_hash'] }],
        indices: [{ name: 'ix_api_keys_user', columnNames: ['user_id'] }],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_api_keys_user',
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'customers',
        columns: [
          col.id(),
          col.varchar('name', 200),
          col.varchar('industry', 100, true),
          col.varchar('status', 10),
          col.varchar('contact_name', 100, true),
          col.varchar('contact_phone', 50, true),
          col.varchar('contact_email', 254, true),
          col.text('tags'),
          col.time('created_at'),
          col.time('updated_at'),
        ],
      }),
    );
    await q.createIndices('customers', [
      new TableIndex({ name: 'ix_customers_created', columnNames: ['created_at', 'id'] }),
      new TableIndex({ name: 'ix_customers_status', columnNames: ['status', 'created_at'] }),
      new TableIndex({ name: 'ix_customers_name', columnNames: ['name'] }),
    ]);
    await q.createTable(
      new Table({
        name: 'orders',
        columns: [
          col.id(),
          col.varchar('customer_id', 64),
          col.text('items'),
          col.bigint('amount'),
          col.varchar('currency', 3),
          col.varchar('status', 10),
          col.time('paid_at', true),
          col.time('cancelled_at', true),
          col.time('created_at'),
          col.time('updated_at'),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_orders_customer',
            columnNames: ['customer_id'],
            referencedTableName: 'customers',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
          }),
        ],
      }),
    );
    await q.createIndices('orders', [
      new TableIndex({ name: 'ix_orders_created', columnNames: ['created_at', 'id'] }),
      new TableIndex({ name: 'ix_orders_customer', columnNames: ['customer_id', 'created_at'] }),
      new TableIndex({ name: 'ix_orders_status', columnNames: ['status', 'created_at'] }),
    ]);
    await q.createTable(
      new Table({
        name: 'events',
        columns: [col.id(), col.varchar('type', 64), col.text('data'), col.time('created_at')],
      }),
    );
    await q.createIndices('events', [
      new TableIndex({ name: 'ix_events_created', columnNames: ['created_at', 'id'] }),
      new TableIndex({ name: 'ix_events_type', columnNames: ['type', 'created_at'] }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['events', 'orders', 'customers', 'api_keys', 'users']) await q.dropTable(table);
  }
}
