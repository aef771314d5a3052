/**
 * guidance_ws migration 0001_20261121T0759_init, written by `npm run db -- migrate -t guidance_ws --name init`.
 * Review it, then commit it with the model change; `upgrade` applies it.
 * It has steps marked DATA LOSS: `upgrade`/`downgrade` refuse them without --allow-data-loss.
 */
import type { MigrationContext } from '../../common/libs/migrate/context.js';
import type { Snapshot } from '../../common/libs/migrate/types.js';

/** The tables guidance_ws owns, as its models described them when this migration was written. */
export const snapshot: Snapshot = {
  gui_ack: {
    columns: {
      id: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
      account_id: { type: 'INTEGER', allowNull: false },
      room: { type: 'STRING(64)', allowNull: false },
      seq: { type: 'INTEGER', allowNull: false },
      created_at: { type: 'DATE', allowNull: true },
      updated_at: { type: 'DATE', allowNull: true },
    },
    indexes: [{ name: 'gui_ack_account_id_room', fields: ['account_id', 'room'], unique: true }],
  },
  gui_records_message: {
    columns: {
      id: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
      room: { type: 'STRING(64)', allowNull: false },
      seq: { type: 'INTEGER', allowNull: false },
      body: { type: 'TEXT', allowNull: false },
      sender: { type: 'STRING(64)', allowNull: false },
      sender_id: { type: 'INTEGER', allowNull: false },
      created_at: { type: 'DATE(3)', allowNull: true },
    },
    indexes: [
      { name: 'gui_records_message_created_at', fields: ['created_at'] },
      { name: 'gui_records_message_room_seq', fields: ['room', 'seq'], unique: true },
    ],
  },
  gui_room: {
    columns: {
      room: { type: 'STRING(64)', allowNull: false, primaryKey: true },
      last_seq: { type: 'INTEGER', allowNull: false, defaultValue: 0 },
      created_at: { type: 'DATE', allowNull: true },
      updated_at: { type: 'DATE', allowNull: true },
    },
    indexes: [],
  },
};

export async function up(m: MigrationContext): Promise<void> {
  await m.createTable('gui_ack', {
    id: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
    account_id: { type: 'INTEGER', allowNull: false },
    room: { type: 'STRING(64)', allowNull: false },
    seq: { type: 'INTEGER', allowNull: false },
    created_at: { type: 'DATE', allowNull: true },
    updated_at: { type: 'DATE', allowNull: true },
  });
  await m.addIndex('gui_ack', { name: 'gui_ack_account_id_room', fields: ['account_id', 'room'], unique: true });
  await m.createTable('gui_records_message', {
    id: { type: 'INTEGER', allowNull: false, primaryKey: true, autoIncrement: true },
    room: { type: 'STRING(64)', allowNull: false },
    seq: { type: 'INTEGER', allowNull: false },
    body: { type: 'TEXT', allowNull: false },
    sender: { type: 'STRING(64)', allowNull: false },
    sender_id: { type: 'INTEGER', allowNull: false },
    created_at: { type: 'DATE(3)', allowNull: true },
  });
  await m.addIndex('gui_records_message', { name: 'gui_records_message_created_at', fields: ['created_at'] });
  await m.addIndex('gui_records_message', { name: 'gui_records_message_room_seq', fields: ['room', 'seq'], unique: true });
  await m.createTable('gui_room', {
    room: { type: 'STRING(64)', allowNull: false, primaryKey: true },
    last_seq: { type: 'INTEGER', allowNull: false, defaultValue: 0 },
    created_at: { type: 'DATE', allowNull: true },
    updated_at: { type: 'DATE', allowNull: true },
  });
}

export async function down(m: MigrationContext): Promise<void> {
  // DATA LOSS: drops table gui_room and every row in it
  await m.dropTable('gui_room');
  // DATA LOSS: drops table gui_records_message and every row in it
  await m.dropTable('gui_records_message');
  // DATA LOSS: drops table gui_ack and every row in it
  await m.dropTable('gui_ack');
}
