import {
  type CreationOptional,
  DataTypes,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  type Sequelize,
} from 'sequelize';
import { tableName, tableOptions } from '../../common/model_db/table_name.js';
import { identifier } from '../../common/model_db/text_rule.js';

export const RECORDS_LOGIN_TABLE = tableName('sys', 'records', 'login');

/** One login attempt, whatever its result. Written once, never updated. */
export class RecordsLogin extends Model<InferAttributes<RecordsLogin>, InferCreationAttributes<RecordsLogin>> {
  declare id: CreationOptional<number>;
  declare account_id: number | null;
  declare username: string;
  declare ip: string;
  declare user_agent: string;
  declare result: string;
  declare created_at: CreationOptional<Date>;

  toPublic() {
    return {
      id: this.id,
      account_id: this.account_id,
      username: this.username,
      ip: this.ip,
      user_agent: this.user_agent,
      result: this.result,
      created_at: this.created_at.toISOString(),
    };
  }
}

export function init(sequelize: Sequelize): void {
  RecordsLogin.init(
    {
      // BIGINT: grows with traffic; ids stay JSON numbers up to 2^53 - 1 (mysql2 supportBigNumbers, see README).
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      account_id: { type: DataTypes.INTEGER, allowNull: true },
      username: identifier({ type: DataTypes.STRING(64), allowNull: false }),
      ip: { type: DataTypes.STRING(64), allowNull: false, defaultValue: '' },
      user_agent: { type: DataTypes.STRING(255), allowNull: false, defaultValue: '' },
      result: identifier({ type: DataTypes.STRING(16), allowNull: false }),
      created_at: DataTypes.DATE,
    },
    {
      sequelize,
      ...tableOptions(RECORDS_LOGIN_TABLE, { updatedAt: false }),
      indexes: [{ fields: ['created_at'] }, { fields: ['account_id'] }, { fields: ['result'] }],
    },
  );
}
