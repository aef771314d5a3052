import {
  type CreationOptional,
  DataTypes,
  type FindOptions,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  Op,
  type Sequelize,
} from 'sequelize';
import { tableName, tableOptions } from './table_name.js';
import { identifier } from './text_rule.js';

/** The service whose migrations make and change this table. */
export const OWNER = 'guidance_ws';

export const GUIDANCE_MESSAGE_TABLE = tableName('gui', 'records', 'message');

/** A guidance message as clients receive it (`guide` frames, history items). */
export interface GuideData {
  room: string;
  seq: number;
  body: unknown;
  sender: string;
  /** ISO time it was stored. */
  at: string;
}

/** A stored guidance message: `(room, seq)` is unique, `body` holds the JSON text the operator sent. */
export class GuidanceMessage extends Model<InferAttributes<GuidanceMessage>, InferCreationAttributes<GuidanceMessage>> {
  declare id: CreationOptional<number>;
  declare room: string;
  declare seq: number;
  declare body: string;
  declare sender: string;
  declare sender_id: number;
  declare created_at: CreationOptional<Date>;

  toGuide(): GuideData {
    return {
      room: this.room,
      seq: this.seq,
      body: JSON.parse(this.body),
      sender: this.sender,
      at: this.created_at.toISOString(),
    };
  }

  /** Up to `limit` messages of `room` after seq `after` (and up to `upto`), oldest first. */
  static after(room: string, after: number, limit: number, upto?: number): Promise<GuidanceMessage[]> {
    const seq = upto === undefined ? { [Op.gt]: after } : { [Op.gt]: after, [Op.lte]: upto };
    return GuidanceMessage.findAll({ where: { room, seq }, order: [['seq', 'ASC']], limit });
  }

  /**
   * The `limit` newest messages of `room` before seq `before` (all when absent), oldest first.
   * `read` may carry `MAY_LAG` (db_replicas.ts) to let a replica answer.
   */
  static async before(
    room: string,
    before: number | undefined,
    limit: number,
    read: Pick<FindOptions, 'useMaster'> = {},
  ): Promise<GuidanceMessage[]> {
    const where = before === undefined ? { room } : { room, seq: { [Op.lt]: before } };
    const rows = await GuidanceMessage.findAll({ where, order: [['seq', 'DESC']], limit, ...read });
    return rows.reverse();
  }
}

export function init(sequelize: Sequelize): void {
  GuidanceMessage.init(
    {
      // BIGINT: grows with traffic; ids stay JSON numbers up to 2^53 - 1 (mysql2 supportBigNumbers, see README).
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      room: identifier({ type: DataTypes.STRING(64), allowNull: false }),
      seq: { type: DataTypes.INTEGER, allowNull: false },
      body: { type: DataTypes.TEXT, allowNull: false },
      sender: identifier({ type: DataTypes.STRING(64), allowNull: false }),
      sender_id: { type: DataTypes.INTEGER, allowNull: false },
      created_at: DataTypes.DATE(3),
    },
    {
      sequelize,
      ...tableOptions(GUIDANCE_MESSAGE_TABLE, { updatedAt: false }),
      // The backstop of gap-free numbering: a duplicate seq cannot be stored.
      indexes: [{ unique: true, fields: ['room', 'seq'] }, { fields: ['created_at'] }],
    },
  );
}
