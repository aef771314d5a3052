/**
 * manage_system migration 0001_20261121T0758_init, written by `npm run db -- migrate -t manage_system --name init`.
 * Review it, then commit it with the model change; `upgrade` applies it.
 * It has steps marked DATA LOSS: `upgrade`/`downgrade` refuse them without --allow-data-loss.
 */
import type { MigrationContext } from '../../common/libs/migrate/context.js';
import type { Snapshot } from '../../common/libs/migrate/types.js';

/** The tables manage_system owns, as its models described them when this migration was written. */
export const snapshot: Snapshot = {
  sys_account: {
    columns: {
      id: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
      username: { type: 'STRING(64)', allowNull: false, unique: true },
      password_hash: { type: 'STRING(255)', allowNull: false },
      display_name: { type: 'STRING(128)', allowNull: false, defaultValue: '' },
      role: { type: 'STRING(16)', allowNull: false },
      status: { type: 'STRING(16)', allowNull: false, defaultValue: 'active' },
      last_login_at: { type: 'DATE', allowNull: true },
      created_at: { type: 'DATE', allowNull: true },
      updated_at: { type: 'DATE', allowNull: true },
    },
    indexes: [
      { name: 'sys_account_role', fields: ['role'] },
      { name: 'sys_account_status', fields: ['status'] },
    ],
  },
  sys_guard_login: {
    columns: {
      username: { type: 'STRING(64)', allowNull: false, primaryKey: true },
      failures: { type: 'INTEGER', allowNull: false, defaultValue: 0 },
      inflight: { type: 'INTEGER', allowNull: false, defaultValue: 0 },
      window_start: { type: 'DATE', allowNull: false },
      locked_until: { type: 'DATE', allowNull: true },
    },
    indexes: [],
  },
  sys_records_login: {
    columns: {
      id: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
      account_id: { type: 'INTEGER', allowNull: true },
      username: { type: 'STRING(64)', allowNull: false },
      ip: { type: 'STRING(64)', allowNull: false, defaultValue: '' },
      user_agent: { type: 'STRING(255)', allowNull: false, defaultValue: '' },
      result: { type: 'STRING(16)', allowNull: false },
      created_at: { type: 'DATE', allowNull: true },
    },
    indexes: [
      { name: 'sys_records_login_account_id', fields: ['account_id'] },
      { name: 'sys_records_login_created_at', fields: ['created_at'] },
      { name: 'sys_records_login_result', fields: ['result'] },
    ],
  },
  sys_session: {
    columns: {
      id: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
      token_hash: { type: 'CHAR(64)', allowNull: false, unique: true },
      account_id: { type: 'INTEGER', allowNull: false },
      username: { type: 'STRING(64)', allowNull: false },
      role: { type: 'STRING(16)', allowNull: false },
      ip: { type: 'STRING(64)', allowNull: false, defaultValue: '' },
      user_agent: { type: 'STRING(255)', allowNull: false, defaultValue: '' },
      expires_at: { type: 'DATE', allowNull: false },
      revoked_at: { type: 'DATE', allowNull: true },
      created_at: { type: 'DATE', allowNull: true },
      updated_at: { type: 'DATE', allowNull: true },
    },
    indexes: [
      { name: 'sys_session_account_id', fields: ['account_id'] },
      { name: 'sys_session_expires_at', fields: ['expires_at'] },
    ],
  },
};

export async function up(m: MigrationContext): Promise<void> {
  await m.createTable('sys_account', {
    id: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
    username: { type: 'STRING(64)', allowNull: false },
    password_hash: { type: 'STRING(255)', allowNull: false },
    display_name: { type: 'STRING(128)', allowNull: false, defaultValue: '' },
    role: { type: 'STRING(16)', allowNull: false },
    status: { type: 'STRING(16)', allowNull: false, defaultValue: 'active' },
    last_login_at: { type: 'DATE', allowNull: true },
    created_at: { type: 'DATE', allowNull: true },
    updated_at: { type: 'DATE', allowNull: true },
  });
  await m.addIndex('sys_account', { name: 'sys_account_username_unique', fields: ['username'], unique: true });
  await m.addIndex('sys_account', { name: 'sys_account_role', fields: ['role'] });
  await m.addIndex('sys_account', { name: 'sys_account_status', fields: ['status'] });
  await m.createTable('sys_guard_login', {
    username: { type: 'STRING(64)', allowNull: false, primaryKey: true },
    failures: { type: 'INTEGER', allowNull: false, defaultValue: 0 },
    inflight: { type: 'INTEGER', allowNull: false, defaultValue: 0 },
    window_start: { type: 'DATE', allowNull: false },
    locked_until: { type: 'DATE', allowNull: true },
  });
  await m.createTable('sys_records_login', {
    id: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
    account_id: { type: 'INTEGER', allowNull: true },
    username: { type: 'STRING(64)', allowNull: false },
    ip: { type: 'STRING(64)', allowNull: false, defaultValue: '' },
    user_agent: { type: 'STRING(255)', allowNull: false, defaultValue: '' },
    result: { type: 'STRING(16)', allowNull: false },
    created_at: { type: 'DATE', allowNull: true },
  });
  await m.addIndex('sys_records_login', { name: 'sys_records_login_account_id', fields: ['account_id'] });
  await m.addIndex('sys_records_login', { name: 'sys_records_login_created_at', fields: ['created_at'] });
  await m.addIndex('sys_records_login', { name: 'sys_records_login_result', fields: ['result'] });
  await m.createTable('sys_session', {
    id: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
    token_hash: { type: 'CHAR(64)', allowNull: false },
    account_id: { type: 'INTEGER', allowNull: false },
    username: { type: 'STRING(64)', allowNull: false },
    role: { type: 'STRING(16)', allowNull: false },
    ip: { type: 'STRING(64)', allowNull: false, defaultValue: '' },
    user_agent: { type: 'STRING(255)', allowNull: false, defaultValue: '' },
    expires_at: { type: 'DATE', allowNull: false },
    revoked_at: { type: 'DATE', allowNull: true },
    created_at: { type: 'DATE', allowNull: true },
    updated_at: { type: 'DATE', allowNull: true },
  });
  await m.addIndex('sys_session', { name: 'sys_session_token_hash_unique', fields: ['token_hash'], unique: true });
  await m.addIndex('sys_session', { name: 'sys_session_account_id', fields: ['account_id'] });
  await m.addIndex('sys_session', { name: 'sys_session_expires_at', fields: ['expires_at'] });
}

export async function down(m: MigrationContext): Promise<void> {
  // DATA LOSS: drops table sys_session and every row in it
  await m.dropTable('sys_session');
  // DATA LOSS: drops table sys_records_login and every row in it
  await m.dropTable('sys_records_login');
  // DATA LOSS: drops table sys_guard_login and every row in it
  await m.dropTable('sys_guard_login');
  // DATA LOSS: drops table sys_account and every row in it
  await m.dropTable('sys_account');
}
