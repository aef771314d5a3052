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

export const ACCOUNT_TABLE = tableName('sys', 'account');

/** What the API shows of an account: never the password hash. */
export interface PublicAccount {
  id: number;
  username: string;
  display_name: string;
  role: string;
  status: string;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

export class Account extends Model<InferAttributes<Account>, InferCreationAttributes<Account>> {
  declare id: CreationOptional<number>;
  declare username: string;
  declare password_hash: string;
  declare display_name: CreationOptional<string>;
  declare role: string;
  declare status: CreationOptional<string>;
  declare last_login_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;

  toPublic(): PublicAccount {
    return {
      id: this.id,
      username: this.username,
      display_name: this.display_name,
      role: this.role,
      status: this.status,
      last_login_at: this.last_login_at?.toISOString() ?? null,
      created_at: this.created_at.toISOString(),
      updated_at: this.updated_at.toISOString(),
    };
  }
}

export function init(sequelize: Sequelize): void {
  Account.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      username: identifier({ type: DataTypes.STRING(64), allowNull: false, unique: true }),
      password_hash: { type: DataTypes.STRING(255), allowNull: false },
      display_name: { type: DataTypes.STRING(128), allowNull: false, defaultValue: '' },
      role: identifier({ type: DataTypes.STRING(16), allowNull: false }),
      status: identifier({ type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' }),
      last_login_at: { type: DataTypes.DATE, allowNull: true, defaultValue: null },
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    { sequelize, ...tableOptions(ACCOUNT_TABLE), indexes: [{ fields: ['role'] }, { fields: ['status'] }] },
  );
}
