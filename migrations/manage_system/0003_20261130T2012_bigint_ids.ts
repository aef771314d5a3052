/**
 * manage_system migration 0003_20261130T2012_bigint_ids, written by `npm run db -- migrate -t manage_system --name bigint_ids`.
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
      id: { type: 'BIGINT', allowNull: false, primaryKey: true, autoIncrement: true },
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
      id: { type: 'BIGINT', allowNull: false, primaryKey: true, autoIncrement: true },
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
  await m.changeColumn('sys_records_login', 'id', {
    from: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
    to: { type: 'BIGINT', allowNull: false, primaryKey: true, autoIncrement: true },
  });
  await m.changeColumn('sys_session', 'id', {
    from: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
    to: { type: 'BIGINT', allowNull: false, primaryKey: true, autoIncrement: true },
  });
}

export async function down(m: MigrationContext): Promise<void> {
  // DATA LOSS: narrows sys_session.id: BIGINT -> INTEGER may not keep every value
  await m.changeColumn('sys_session', 'id', {
    from: { type: 'BIGINT', allowNull: false, primaryKey: true, autoIncrement: true },
    to: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
  });
  // DATA LOSS: narrows sys_records_login.id: BIGINT -> INTEGER may not keep every value
  await m.changeColumn('sys_records_login', 'id', {
    from: { type: 'BIGINT', allowNull: false, primaryKey: true, autoIncrement: true },
    to: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
  });
}
