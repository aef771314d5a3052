import { DataTypes, type InferAttributes, type InferCreationAttributes, Model, Op, type Sequelize } from 'sequelize';
import { tableName, tableOptions } from '../../common/model_db/table_name.js';

export const GUARD_LOGIN_TABLE = tableName('sys', 'guard', 'login');

/**
 * Failed-login counter per username. Every attempt reserves a slot with one conditional
 * UPDATE before the password is checked, so concurrent attempts can never pass the limit.
 */
export class GuardLogin extends Model<InferAttributes<GuardLogin>, InferCreationAttributes<GuardLogin>> {
  declare username: string;
  declare failures: number;
  declare window_start: Date;
  declare locked_until: Date | null;
}

export interface GuardPolicy {
  maxFailures: number;
  windowMinutes: number;
  lockMinutes: number;
}

/** Reserves one attempt; `{ok: false, retryAfter}` (seconds) while locked or at the limit. */
export async function reserveAttempt(username: string, policy: GuardPolicy): Promise<{ ok: boolean; retryAfter: number }> {
  const now = new Date();
  await GuardLogin.bulkCreate([{ username, failures: 0, window_start: now, locked_until: null }], { ignoreDuplicates: true });
  const windowOpenedBefore = new Date(now.getTime() - policy.windowMinutes * 60_000);
  await GuardLogin.update(
    { failures: 0, window_start: now, locked_until: null },
    {
      where: {
        username,
        [Op.or]: [{ locked_until: { [Op.lte]: now } }, { locked_until: null, window_start: { [Op.lte]: windowOpenedBefore } }],
      },
    },
  );
  const [reserved] = await GuardLogin.update(
    { failures: GuardLogin.sequelize!.literal('failures + 1') as unknown as number },
    { where: { username, locked_until: null, failures: { [Op.lt]: policy.maxFailures } } },
  );
  if (reserved === 1) return { ok: true, retryAfter: 0 };
  const row = await GuardLogin.findByPk(username);
  const until = row?.locked_until ?? new Date(now.getTime() + policy.lockMinutes * 60_000);
  return { ok: false, retryAfter: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)) };
}

/** After a wrong password: the reservation stays counted; reaching the limit starts the lock. */
export async function settleFailure(username: string, policy: GuardPolicy): Promise<void> {
  await GuardLogin.update(
    { locked_until: new Date(Date.now() + policy.lockMinutes * 60_000) },
    { where: { username, locked_until: null, failures: { [Op.gte]: policy.maxFailures } } },
  );
}

/** After a right password: the count starts over. */
export async function settleSuccess(username: string): Promise<void> {
  await GuardLogin.update({ failures: 0, window_start: new Date() }, { where: { username, locked_until: null } });
}

/** Forgets counters idle for longer than `olderThan` (called by the purge script). */
export async function purgeIdleGuards(olderThan: Date): Promise<number> {
  return GuardLogin.destroy({
    where: { window_start: { [Op.lt]: olderThan }, [Op.or]: [{ locked_until: null }, { locked_until: { [Op.lt]: olderThan } }] },
  });
}

export function init(sequelize: Sequelize): void {
  GuardLogin.init(
    {
      username: { type: DataTypes.STRING(64), primaryKey: true },
      failures: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      window_start: { type: DataTypes.DATE, allowNull: false },
      locked_until: { type: DataTypes.DATE, allowNull: true, defaultValue: null },
    },
    { sequelize, ...tableOptions(GUARD_LOGIN_TABLE, { timestamps: false }) },
  );
}
