import { setTimeout as sleep } from 'node:timers/promises';
import { DataTypes, type InferAttributes, type InferCreationAttributes, literal, Model, Op, type Sequelize } from 'sequelize';
import { tableName, tableOptions } from '../../common/model_db/table_name.js';
import { identifier } from '../../common/model_db/text_rule.js';

export const GUARD_LOGIN_TABLE = tableName('sys', 'guard', 'login');

/**
 * Failed-login counter per username. Before a password is checked the attempt takes an
 * in-flight slot with one conditional UPDATE (`failures + inflight < max`), so concurrent
 * attempts, on any number of instances, can never check more passwords than the limit allows.
 */
export class GuardLogin extends Model<InferAttributes<GuardLogin>, InferCreationAttributes<GuardLogin>> {
  declare username: string;
  declare failures: number;
  declare inflight: number;
  declare window_start: Date;
  declare locked_until: Date | null;
}

export interface GuardPolicy {
  maxFailures: number;
  windowMinutes: number;
  lockMinutes: number;
}

/** How long an attempt waits for a slot held by concurrent attempts before giving up. */
const SLOT_WAIT_MS = 5000;
const RELEASE_SLOT = literal('CASE WHEN inflight > 0 THEN inflight - 1 ELSE 0 END') as unknown as number;

async function resetFinishedWindow(username: string, policy: GuardPolicy, now: Date): Promise<void> {
  const windowOpenedBefore = new Date(now.getTime() - policy.windowMinutes * 60_000);
  await GuardLogin.update(
    { failures: 0, inflight: 0, window_start: now, locked_until: null },
    {
      where: {
        username,
        [Op.or]: [{ locked_until: { [Op.lte]: now } }, { locked_until: null, window_start: { [Op.lte]: windowOpenedBefore } }],
      },
    },
  );
}

/**
 * Takes a slot for one attempt. `{ok: false, retryAfter}` (seconds) while locked or when the
 * failures already counted leave no room; an attempt only waits while others are in flight.
 */
export async function reserveAttempt(username: string, policy: GuardPolicy): Promise<{ ok: boolean; retryAfter: number }> {
  const deadline = Date.now() + SLOT_WAIT_MS;
  await GuardLogin.bulkCreate([{ username, failures: 0, inflight: 0, window_start: new Date(), locked_until: null }], {
    ignoreDuplicates: true,
  });
  for (;;) {
    const now = new Date();
    await resetFinishedWindow(username, policy, now);
    const [reserved] = await GuardLogin.update(
      { inflight: literal('inflight + 1') as unknown as number },
      { where: { username, locked_until: null, [Op.and]: [literal(`failures + inflight < ${Number(policy.maxFailures)}`)] } },
    );
    if (reserved === 1) return { ok: true, retryAfter: 0 };
    const row = await GuardLogin.findByPk(username);
    const lockedOut = !row || row.locked_until !== null || row.failures >= policy.maxFailures;
    if (lockedOut || Date.now() > deadline) {
      const until = row?.locked_until ?? new Date(now.getTime() + policy.lockMinutes * 60_000);
      return { ok: false, retryAfter: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)) };
    }
    await sleep(20 + Math.random() * 30);
  }
}

/** After a wrong password: one more failure; reaching the limit starts the lock. */
export async function settleFailure(username: string, policy: GuardPolicy): Promise<void> {
  await GuardLogin.update(
    { failures: literal('failures + 1') as unknown as number, inflight: RELEASE_SLOT },
    { where: { username } },
  );
  await GuardLogin.update(
    { locked_until: new Date(Date.now() + policy.lockMinutes * 60_000) },
    { where: { username, locked_until: null, failures: { [Op.gte]: policy.maxFailures } } },
  );
}

/** After a right password: the count starts over. */
export async function settleSuccess(username: string): Promise<void> {
  await GuardLogin.update(
    { failures: 0, inflight: RELEASE_SLOT, window_start: new Date() },
    { where: { username, locked_until: null } },
  );
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
      username: identifier({ type: DataTypes.STRING(64), primaryKey: true }),
      failures: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      inflight: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      window_start: { type: DataTypes.DATE, allowNull: false },
      locked_until: { type: DataTypes.DATE, allowNull: true, defaultValue: null },
    },
    { sequelize, ...tableOptions(GUARD_LOGIN_TABLE, { timestamps: false }) },
  );
}
