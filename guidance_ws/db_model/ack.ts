import {
  type CreationOptional,
  DataTypes,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  Op,
  type Sequelize,
  UniqueConstraintError,
} from 'sequelize';
import { tableName, tableOptions } from '../../common/model_db/table_name.js';
import { identifier } from '../../common/model_db/text_rule.js';

/** The service whose migrations make and change this table. */
export const OWNER = 'guidance_ws';

export const ACK_TABLE = tableName('gui', 'ack');

/** How far an account has acknowledged a room: one row per (account, room), `seq` only grows. */
export class Ack extends Model<InferAttributes<Ack>, InferCreationAttributes<Ack>> {
  declare id: CreationOptional<number>;
  declare account_id: number;
  declare room: string;
  declare seq: number;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;

  /** Raises the progress to `seq` (never lowers it) and answers the stored progress. */
  static async advance(accountId: number, room: string, seq: number): Promise<number> {
    const where = { account_id: accountId, room };
    const [raised] = await Ack.update({ seq }, { where: { ...where, seq: { [Op.lt]: seq } } });
    if (raised) return seq;
    const current = await Ack.findOne({ where });
    if (current) return current.seq;
    try {
      await Ack.create({ ...where, seq });
      return seq;
    } catch (err) {
      if (!(err instanceof UniqueConstraintError)) throw err;
      // Someone created the row first: raise it now that it exists.
      await Ack.update({ seq }, { where: { ...where, seq: { [Op.lt]: seq } } });
      return (await Ack.findOne({ where }))?.seq ?? seq;
    }
  }
}

export function init(sequelize: Sequelize): void {
  Ack.init(
    {
      // BIGINT: grows with traffic; ids stay JSON numbers up to 2^53 - 1 (mysql2 supportBigNumbers, see README).
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      account_id: { type: DataTypes.INTEGER, allowNull: false },
      room: identifier({ type: DataTypes.STRING(64), allowNull: false }),
      seq: { type: DataTypes.INTEGER, allowNull: false },
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    { sequelize, ...tableOptions(ACK_TABLE), indexes: [{ unique: true, fields: ['account_id', 'room'] }] },
  );
}
