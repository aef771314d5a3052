/**
 * manage_system migration 0002_20261130T2005_utf8mb4_identifiers, written by `npm run db -- migrate -t manage_system --name utf8mb4_identifiers`.
 * Review it, then commit it with the model change; `upgrade` applies it.
 */
import type { MigrationContext } from '../../common/libs/migrate/context.js';
import type { Snapshot } from '../../common/libs/migrate/types.js';

/** The tables manage_system owns, as its models described them when this migration was written. */
export const snapshot: Snapshot = {
  sys_account: {
    columns: {
      id: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
      username: { type: 'STRING(64)', allowNull: false, unique: true, collate: 'utf8mb4_nopad_bin' },
      password_hash: { type: 'STRING(255)', allowNull: false },
      display_name: { type: 'STRING(128)', allowNull: false, defaultValue: '' },
      role: { type: 'STRING(16)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
      status: { type: 'STRING(16)', allowNull: false, defaultValue: 'active', collate: 'utf8mb4_nopad_bin' },
      last_login_at: { type: 'DATE', allowNull: true },
      created_at: { type: 'DATE', allowNull: true },
      updated_at: { type: 'DATE', allowNull: true },
    },
    indexes: [
      { name: 'sys_account_role', fields: ['role'] },
      { name: 'sys_account_status', fields: ['status'] },
    ],
    charset: 'utf8mb4',
    collate: 'utf8mb4_unicode_ci',
  },
  sys_guard_login: {
    columns: {
      username: { type: 'STRING(64)', allowNull: false, primaryKey: true, collate: 'utf8mb4_nopad_bin' },
      failures: { type: 'INTEGER', allowNull: false, defaultValue: 0 },
      inflight: { type: 'INTEGER', allowNull: false, defaultValue: 0 },
      window_start: { type: 'DATE', allowNull: false },
      locked_until: { type: 'DATE', allowNull: true },
    },
    indexes: [],
    charset: 'utf8mb4',
    collate: 'utf8mb4_unicode_ci',
  },
  sys_records_login: {
    columns: {
      id: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
      account_id: { type: 'INTEGER', allowNull: true },
      username: { type: 'STRING(64)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
      ip: { type: 'STRING(64)', allowNull: false, defaultValue: '' },
      user_agent: { type: 'STRING(255)', allowNull: false, defaultValue: '' },
      result: { type: 'STRING(16)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
      created_at: { type: 'DATE', allowNull: true },
    },
    indexes: [
      { name: 'sys_records_login_account_id', fields: ['account_id'] },
      { name: 'sys_records_login_created_at', fields: ['created_at'] },
      { name: 'sys_records_login_result', fields: ['result'] },
    ],
    charset: 'utf8mb4',
    collate: 'utf8mb4_unicode_ci',
  },
  sys_session: {
    columns: {
      id: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
      token_hash: { type: 'CHAR(64)', allowNull: false, unique: true, collate: 'utf8mb4_nopad_bin' },
      account_id: { type: 'INTEGER', allowNull: false },
      username: { type: 'STRING(64)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
      role: { type: 'STRING(16)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
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
    charset: 'utf8mb4',
    collate: 'utf8mb4_unicode_ci',
  },
};

export async function up(m: MigrationContext): Promise<void> {
  await m.alterTableCharset('sys_account', { from: {}, to: { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' } });
  await m.changeColumn('sys_account', 'username', {
    from: { type: 'STRING(64)', allowNull: false },
    to: { type: 'STRING(64)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
  });
  await m.changeColumn('sys_account', 'role', {
    from: { type: 'STRING(16)', allowNull: false },
    to: { type: 'STRING(16)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
  });
  await m.changeColumn('sys_account', 'status', {
    from: { type: 'STRING(16)', allowNull: false, defaultValue: 'active' },
    to: { type: 'STRING(16)', allowNull: false, defaultValue: 'active', collate: 'utf8mb4_nopad_bin' },
  });
  await m.alterTableCharset('sys_guard_login', { from: {}, to: { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' } });
  await m.changeColumn('sys_guard_login', 'username', {
    from: { type: 'STRING(64)', allowNull: false, primaryKey: true },
    to: { type: 'STRING(64)', allowNull: false, primaryKey: true, collate: 'utf8mb4_nopad_bin' },
  });
  await m.alterTableCharset('sys_records_login', { from: {}, to: { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' } });
  await m.changeColumn('sys_records_login', 'username', {
    from: { type: 'STRING(64)', allowNull: false },
    to: { type: 'STRING(64)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
  });
  await m.changeColumn('sys_records_login', 'result', {
    from: { type: 'STRING(16)', allowNull: false },
    to: { type: 'STRING(16)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
  });
  await m.alterTableCharset('sys_session', { from: {}, to: { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' } });
  await m.changeColumn('sys_session', 'token_hash', {
    from: { type: 'CHAR(64)', allowNull: false },
    to: { type: 'CHAR(64)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
  });
  await m.changeColumn('sys_session', 'username', {
    from: { type: 'STRING(64)', allowNull: false },
    to: { type: 'STRING(64)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
  });
  await m.changeColumn('sys_session', 'role', {
    from: { type: 'STRING(16)', allowNull: false },
    to: { type: 'STRING(16)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
  });
}

export async function down(m: MigrationContext): Promise<void> {
  await m.changeColumn('sys_session', 'role', {
    from: { type: 'STRING(16)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
    to: { type: 'STRING(16)', allowNull: false },
  });
  await m.changeColumn('sys_session', 'username', {
    from: { type: 'STRING(64)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
    to: { type: 'STRING(64)', allowNull: false },
  });
  await m.changeColumn('sys_session', 'token_hash', {
    from: { type: 'CHAR(64)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
    to: { type: 'CHAR(64)', allowNull: false },
  });
  await m.alterTableCharset('sys_session', { from: { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' }, to: {} });
  await m.changeColumn('sys_records_login', 'result', {
    from: { type: 'STRING(16)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
    to: { type: 'STRING(16)', allowNull: false },
  });
  await m.changeColumn('sys_records_login', 'username', {
    from: { type: 'STRING(64)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
    to: { type: 'STRING(64)', allowNull: false },
  });
  await m.alterTableCharset('sys_records_login', { from: { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' }, to: {} });
  await m.changeColumn('sys_guard_login', 'username', {
    from: { type: 'STRING(64)', allowNull: false, primaryKey: true, collate: 'utf8mb4_nopad_bin' },
    to: { type: 'STRING(64)', allowNull: false, primaryKey: true },
  });
  await m.alterTableCharset('sys_guard_login', { from: { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' }, to: {} });
  await m.changeColumn('sys_account', 'status', {
    from: { type: 'STRING(16)', allowNull: false, defaultValue: 'active', collate: 'utf8mb4_nopad_bin' },
    to: { type: 'STRING(16)', allowNull: false, defaultValue: 'active' },
  });
  await m.changeColumn('sys_account', 'role', {
    from: { type: 'STRING(16)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
    to: { type: 'STRING(16)', allowNull: false },
  });
  await m.changeColumn('sys_account', 'username', {
    from: { type: 'STRING(64)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
    to: { type: 'STRING(64)', allowNull: false },
  });
  await m.alterTableCharset('sys_account', { from: { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' }, to: {} });
}
