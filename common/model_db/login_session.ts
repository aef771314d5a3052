import {
  type CreationOptional,
  DataTypes,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  Op,
  type Sequelize,
} from 'sequelize';
import { tableName, tableOptions } from './table_name.js';
import { identifier } from './text_rule.js';

export const LOGIN_SESSION_TABLE = tableName('sys', 'session');
/** The service whose migrations create this table; others list the module in READ_MODELS. */
export const OWNER = 'manage_system';

/**
 * A server-side login session. Owned by manage_system, read by every service that accepts
 * its tokens (through `model_rc/login_session`). Only the SHA-256 of the token is stored.
 */
export class LoginSession extends Model<InferAttributes<LoginSession>, InferCreationAttributes<LoginSession>> {
  declare id: CreationOptional<number>;
  declare token_hash: string;
  declare account_id: number;
  declare username: string;
  declare role: string;
  declare ip: string;
  declare user_agent: string;
  declare expires_at: Date;
  declare revoked_at: Date | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

/** The one definition of a live session at `now`: not revoked and `expires_at` still ahead. */
export function liveSessionWhere(now: Date) {
  return { revoked_at: null, expires_at: { [Op.gt]: now } } as const;
}

/** Sessions dead since `before` or earlier: revoked then, or expired then (the complement of live, a while ago). */
export function deadSinceWhere(before: Date) {
  return { [Op.or]: [{ expires_at: { [Op.lte]: before } }, { revoked_at: { [Op.lte]: before } }] };
}

/**
 * The expiry of a session opened at `now` (epoch ms): in whole seconds, because MySQL's
 * DATETIME keeps no milliseconds; so the answer, the cache and both databases hold one instant.
 */
export function sessionExpiry(ttlSeconds: number, now = Date.now()): Date {
  return new Date(Math.floor(now / 1000) * 1000 + ttlSeconds * 1000);
}

export function init(sequelize: Sequelize): void {
  LoginSession.init(
    {
      // BIGINT: grows with traffic; ids stay JSON numbers up to 2^53 - 1 (mysql2 supportBigNumbers, see README).
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      token_hash: identifier({ type: DataTypes.CHAR(64), allowNull: false, unique: true }),
      account_id: { type: DataTypes.INTEGER, allowNull: false },
      username: identifier({ type: DataTypes.STRING(64), allowNull: false }),
      role: identifier({ type: DataTypes.STRING(16), allowNull: false }),
      ip: { type: DataTypes.STRING(64), allowNull: false, defaultValue: '' },
      user_agent: { type: DataTypes.STRING(255), allowNull: false, defaultValue: '' },
      expires_at: { type: DataTypes.DATE, allowNull: false },
      revoked_at: { type: DataTypes.DATE, allowNull: true, defaultValue: null },
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    { sequelize, ...tableOptions(LOGIN_SESSION_TABLE), indexes: [{ fields: ['account_id'] }, { fields: ['expires_at'] }] },
  );
}
