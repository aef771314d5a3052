/**
 * guidance_ws migration 0002_20261130T2005_utf8mb4_identifiers, written by `npm run db -- migrate -t guidance_ws --name utf8mb4_identifiers`.
 * Review it, then commit it with the model change; `upgrade` applies it.
 */
import type { MigrationContext } from '../../common/libs/migrate/context.js';
import type { Snapshot } from '../../common/libs/migrate/types.js';

/** The tables guidance_ws owns, as its models described them when this migration was written. */
export const snapshot: Snapshot = {
  gui_ack: {
    columns: {
      id: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
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
      id: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
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
  await m.alterTableCharset('gui_ack', { from: {}, to: { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' } });
  await m.changeColumn('gui_ack', 'room', {
    from: { type: 'STRING(64)', allowNull: false },
    to: { type: 'STRING(64)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
  });
  await m.alterTableCharset('gui_records_message', { from: {}, to: { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' } });
  await m.changeColumn('gui_records_message', 'room', {
    from: { type: 'STRING(64)', allowNull: false },
    to: { type: 'STRING(64)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
  });
  await m.changeColumn('gui_records_message', 'sender', {
    from: { type: 'STRING(64)', allowNull: false },
    to: { type: 'STRING(64)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
  });
  await m.alterTableCharset('gui_room', { from: {}, to: { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' } });
  await m.changeColumn('gui_room', 'room', {
    from: { type: 'STRING(64)', allowNull: false, primaryKey: true },
    to: { type: 'STRING(64)', allowNull: false, primaryKey: true, collate: 'utf8mb4_nopad_bin' },
  });
}

export async function down(m: MigrationContext): Promise<void> {
  await m.changeColumn('gui_room', 'room', {
    from: { type: 'STRING(64)', allowNull: false, primaryKey: true, collate: 'utf8mb4_nopad_bin' },
    to: { type: 'STRING(64)', allowNull: false, primaryKey: true },
  });
  await m.alterTableCharset('gui_room', { from: { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' }, to: {} });
  await m.changeColumn('gui_records_message', 'sender', {
    from: { type: 'STRING(64)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
    to: { type: 'STRING(64)', allowNull: false },
  });
  await m.changeColumn('gui_records_message', 'room', {
    from: { type: 'STRING(64)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
    to: { type: 'STRING(64)', allowNull: false },
  });
  await m.alterTableCharset('gui_records_message', { from: { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' }, to: {} });
  await m.changeColumn('gui_ack', 'room', {
    from: { type: 'STRING(64)', allowNull: false, collate: 'utf8mb4_nopad_bin' },
    to: { type: 'STRING(64)', allowNull: false },
  });
  await m.alterTableCharset('gui_ack', { from: { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' }, to: {} });
}
