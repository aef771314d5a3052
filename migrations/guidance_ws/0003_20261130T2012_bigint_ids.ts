/**
 * guidance_ws migration 0003_20261130T2012_bigint_ids, written by `npm run db -- migrate -t guidance_ws --name bigint_ids`.
 * Review it, then commit it with the model change; `upgrade` applies it.
 * It has steps marked DATA LOSS: `upgrade`/`downgrade` refuse them without --allow-data-loss.
 */
import type { MigrationContext } from '../../common/libs/migrate/context.js';
import type { Snapshot } from '../../common/libs/migrate/types.js';

/** The tables guidance_ws owns, as its models described them when this migration was written. */
export const snapshot: Snapshot = {
  gui_ack: {
    columns: {
      id: { type: 'BIGINT', allowNull: false, primaryKey: true, autoIncrement: true },
      account_id: { type: 'INTEGER', allowNull: false },
      room: { type: 'STRING(64)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
      seq: { type: 'INTEGER', allowNull: false },
      created_at: { type: 'DATE', allowNull: true },
      updated_at: { type: 'DATE', allowNull: true },
    },
    indexes: [{ name: 'gui_ack_account_id_room', fields: ['account_id', 'room'], unique: true }],
    charset: 'utf8mb4',
    collate: 'utf8mb4_unicode_ci',
  },
  gui_records_message: {
    columns: {
      id: { type: 'BIGINT', allowNull: false, primaryKey: true, autoIncrement: true },
      room: { type: 'STRING(64)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
      seq: { type: 'INTEGER', allowNull: false },
      body: { type: 'TEXT', allowNull: false },
      sender: { type: 'STRING(64)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
      sender_id: { type: 'INTEGER', allowNull: false },
      created_at: { type: 'DATE(3)', allowNull: true },
    },
    indexes: [
      { name: 'gui_records_message_created_at', fields: ['created_at'] },
      { name: 'gui_records_message_room_seq', fields: ['room', 'seq'], unique: true },
    ],
    charset: 'utf8mb4',
    collate: 'utf8mb4_unicode_ci',
  },
  gui_room: {
    columns: {
      room: { type: 'STRING(64)', allowNull: false, primaryKey: true, collate: 'utf8mb4_nopad_bin' },
      last_seq: { type: 'INTEGER', allowNull: false, defaultValue: 0 },
      created_at: { type: 'DATE', allowNull: true },
      updated_at: { type: 'DATE', allowNull: true },
    },
    indexes: [],
    charset: 'utf8mb4',
    collate: 'utf8mb4_unicode_ci',
  },
};

export async function up(m: MigrationContext): Promise<void> {
  await m.changeColumn('gui_ack', 'id', {
    from: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
    to: { type: 'BIGINT', allowNull: false, primaryKey: true, autoIncrement: true },
  });
  await m.changeColumn('gui_records_message', 'id', {
    from: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
    to: { type: 'BIGINT', allowNull: false, primaryKey: true, autoIncrement: true },
  });
}

export async function down(m: MigrationContext): Promise<void> {
  // DATA LOSS: narrows gui_records_message.id: BIGINT -> INTEGER may not keep every value
  await m.changeColumn('gui_records_message', 'id', {
    from: { type: 'BIGINT', allowNull: false, primaryKey: true, autoIncrement: true },
    to: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
  });
  // DATA LOSS: narrows gui_ack.id: BIGINT -> INTEGER may not keep every value
  await m.changeColumn('gui_ack', 'id', {
    from: { type: 'BIGINT', allowNull: false, primaryKey: true, autoIncrement: true },
    to: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
  });
}
