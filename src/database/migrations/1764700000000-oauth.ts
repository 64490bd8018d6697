import { type MigrationInterface, type QueryRunner, Table, TableForeignKey } from 'typeorm';
import { col } from './columns.js';

const cascade = (name: string, column: string, table: string) =>
  new TableForeignKey({
    name,
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: ['id'],
    onDelete: 'CASCADE',
  });

/**
 * OAuth 2.0 authorization server: clients, grants and what descends from them. Deleting a client or a
 * user cascades to every grant, code and token of theirs, so their tokens stop working at once.
 */
export class OAuth1764700000000 implements MigrationInterface {
  name = 'OAuth1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'oauth_clients',
        columns: [
          col.id(),
          col.varchar('name', 100),
          col.varchar('type', 12),
          col.text('redirect_uris'),
          col.varchar('scopes', 50),
          col.varchar('secret_hash', 64, true),
          col.time('created_at'),
        ],
        indices: [{ name: 'ix_oauth_clients_created', columnNames: ['created_at', 'id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'oauth_grants',
        columns: [
          col.id(),
          col.varchar('client_id', 64),
          col.varchar('user_id', 64),
          col.varchar('scopes', 50),
          col.time('created_at'),
          col.time('revoked_at', true),
          col.varchar('revoked_reason', 32, true),
        ],
        indices: [
          { name: 'ix_oauth_grants_client', columnNames: ['client_id'] },
          { name: 'ix_oauth_grants_user', columnNames: ['user_id'] },
        ],
        foreignKeys: [
          cascade('fk_oauth_grants_client', 'client_id', 'oauth_clients'),
          cascade('fk_oauth_grants_user', 'user_id', 'users'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'oauth_authorization_codes',
        columns: [
          { ...col.varchar('code_hash', 64), isPrimary: true },
          col.varchar('grant_id', 64),
          col.varchar('client_id', 64),
          col.text('redirect_uri'),
          col.varchar('scopes', 50),
          col.varchar('code_challenge', 128, true),
          col.time('expires_at'),
          col.time('consumed_at', true),
          col.time('created_at'),
        ],
        indices: [
          { name: 'ix_oauth_codes_grant', columnNames: ['grant_id'] },
          { name: 'ix_oauth_codes_expires', columnNames: ['expires_at'] },
        ],
        foreignKeys: [cascade('fk_oauth_codes_grant', 'grant_id', 'oauth_grants')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'oauth_refresh_tokens',
        columns: [
          { ...col.varchar('token_hash', 64), isPrimary: true },
          col.varchar('grant_id', 64),
          col.varchar('scopes', 50),
          col.time('expires_at'),
          col.time('consumed_at', true),
          col.time('created_at'),
        ],
        indices: [
          { name: 'ix_oauth_refresh_grant', columnNames: ['grant_id'] },
          { name: 'ix_oauth_refresh_expires', columnNames: ['expires_at'] },
        ],
        foreignKeys: [cascade('fk_oauth_refresh_grant', 'grant_id', 'oauth_grants')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'oauth_access_tokens',
        columns: [
          { ...col.varchar('jti', 64), isPrimary: true },
          col.varchar('grant_id', 64),
          col.time('expires_at'),
          col.time('revoked_at', true),
          col.time('created_at'),
        ],
        indices: [
          { name: 'ix_oauth_access_grant', columnNames: ['grant_id'] },
          { name: 'ix_oauth_access_expires', columnNames: ['expires_at'] },
        ],
        foreignKeys: [cascade('fk_oauth_access_grant', 'grant_id', 'oauth_grants')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'oauth_interactions',
        columns: [
          { ...col.varchar('id_hash', 64), isPrimary: true },
          col.varchar('client_id', 64),
          col.text('redirect_uri'),
          col.varchar('scopes', 50),
          col.text('state', true),
          col.varchar('code_challenge', 128, true),
          col.varchar('user_id', 64, true),
          col.varchar('csrf_token', 64),
          col.time('expires_at'),
          col.time('completed_at', true),
          col.time('created_at'),
        ],
        indices: [{ name: 'ix_oauth_interactions_expires', columnNames: ['expires_at'] }],
        foreignKeys: [
          cascade('fk_oauth_interactions_client', 'client_id', 'oauth_clients'),
          cascade('fk_oauth_interactions_user', 'user_id', 'users'),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'oauth_interactions',
      'oauth_access_tokens',
      'oauth_refresh_tokens',
      'oauth_authorization_codes',
      'oauth_grants',
      'oauth_clients',
    ]) {
      await q.dropTable(table);
    }
  }
}
