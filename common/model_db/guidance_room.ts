import {
  type CreationOptional,
  DataTypes,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  type Sequelize,
} from 'sequelize';
import { tableName, tableOptions } from './table_name.js';
import { identifier } from './text_rule.js';

/** The service whose migrations make and change this table. */
export const OWNER = 'guidance_ws';

export const GUIDANCE_ROOM_TABLE = tableName('gui', 'room');

/**
 * One row per guidance room: `last_seq` is the room's message counter. Writers raise it
 * inside the transaction that inserts the messages, so seqs are gap-free across processes.
 */
export class GuidanceRoom extends Model<InferAttributes<GuidanceRoom>, InferCreationAttributes<GuidanceRoom>> {
  declare room: string;
  declare last_seq: CreationOptional<number>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;

  /** The last seq of each named room that has one (rooms never written to are absent). */
  static async lastSeqs(rooms: readonly string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (let i = 0; i < rooms.length; i += 500) {
      const rows = await GuidanceRoom.findAll({ attributes: ['room', 'last_seq'], where: { room: rooms.slice(i, i + 500) } });
      for (const row of rows) found.set(row.room, row.last_seq);
    }
    return found;
  }

  /** The last seq of one room, 0 when nothing was ever sent to it. */
  static async lastSeq(room: string): Promise<number> {
    return (await GuidanceRoom.findByPk(room, { attributes: ['last_seq'] }))?.last_seq ?? 0;
  }
}

export function init(sequelize: Sequelize): void {
  GuidanceRoom.init(
    {
      room: identifier({ type: DataTypes.STRING(64), primaryKey: true }),
      last_seq: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    { sequelize, ...tableOptions(GUIDANCE_ROOM_TABLE) },
  );
}
