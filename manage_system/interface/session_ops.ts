import type { Sequelize, Transaction } from 'sequelize';
import { ApiError } from '../../common/libs/api_error.js';
import { StaCode } from '../../common/libs/sta_code.js';
import { writeTransaction } from '../../common/libs/write_transaction.js';
import { LoginSession, liveSessionWhere, sessionExpiry } from '../../common/model_db/login_session.js';
import { loginSessionRc, type SessionInfo } from '../../common/model_rc/login_session.js';
import { hashToken, newToken } from '../../common/partner/token.js';
import { Account } from '../db_model/account.js';
import { AccountStatus } from '../db_model/enums.js';

// Every session transition is one transaction in the database, the source of truth:
// - minting (login, refresh) and every account change that revokes or re-roles sessions
//   (disable, delete, password, role) first lock the account row (SELECT ... FOR UPDATE on
//   MySQL; BEGIN IMMEDIATE on SQLite, which serializes writers), so a mint sees the account
//   state of the latest committed change and a change sees every session minted before it;
// - a token is spent (refresh, logout) by one conditional UPDATE of a live row: of two
//   spends of one token exactly one changes a row.
// The cache is told after commit (see RcModel: a stale marker that fills cannot overwrite).

export interface OpenedSession {
  token: string;
  info: SessionInfo;
  /** The account as locked and updated by the transaction. */
  account: Account;
}

export interface ClientMeta {
  ip: string;
  userAgent: string;
}

/** What work under an account lock sees: the account row (null once deleted) and its transaction. */
export interface LockedAccount {
  id: number;
  account: Account | null;
  transaction: Transaction;
  /** Token hashes whose sessions changed: their cache entries are invalidated after commit. */
  changed: string[];
}

const SPENT = 'authorization: token is invalid, expired or revoked';

/**
 * Runs `work` in one transaction holding account `accountId`'s row lock; invalidates the
 * cache entries of the sessions it changed once committed. Throwing rolls everything back.
 */
export async function underAccountLock<T>(accountId: number, work: (locked: LockedAccount) => Promise<T>): Promise<T> {
  const changed: string[] = [];
  const sequelize = Account.sequelize as Sequelize;
  const result = await writeTransaction(sequelize, async (transaction) => {
    const account = await Account.findByPk(accountId, { transaction, lock: transaction.LOCK.UPDATE });
    return work({ id: accountId, account, transaction, changed });
  });
  await loginSessionRc.forget(changed);
  return result;
}

async function mint(account: Account, ttlSeconds: number, meta: ClientMeta, transaction: Transaction): Promise<OpenedSession> {
  const token = newToken();
  const expiresAt = sessionExpiry(ttlSeconds);
  const row = await LoginSession.create(
    {
      token_hash: hashToken(token),
      account_id: account.id,
      username: account.username,
      role: account.role,
      ip: meta.ip,
      user_agent: meta.userAgent.slice(0, 255),
      expires_at: expiresAt,
      revoked_at: null,
    },
    { transaction },
  );
  const info: SessionInfo = {
    sid: row.id,
    account_id: account.id,
    username: account.username,
    role: account.role,
    expires_at: expiresAt.getTime(),
  };
  return { token, info, account };
}

async function warm(opened: OpenedSession): Promise<OpenedSession> {
  await loginSessionRc.remember(hashToken(opened.token), opened.info);
  return opened;
}

/** Revokes the live row of `tokenHash`; true when this call spent it (false: unknown, revoked, expired). */
async function spend(tokenHash: string, transaction?: Transaction): Promise<boolean> {
  const now = new Date();
  const [count] = await LoginSession.update(
    { revoked_at: now },
    { where: { token_hash: tokenHash, ...liveSessionWhere(now) }, transaction },
  );
  return count === 1;
}

/**
 * Login: opens a session for `checked` (as `checkCredentials` returned it) unless, by the time
 * the account is locked, it was deleted, disabled or its password changed.
 * Errors: 401 (gone or password changed), 403 (disabled).
 */
export async function openSession(checked: Account, ttlSeconds: number, meta: ClientMeta): Promise<OpenedSession> {
  const opened = await underAccountLock(checked.id, async ({ account, transaction }) => {
    if (!account || account.password_hash !== checked.password_hash) {
      throw new ApiError(StaCode.NOT_AUTHENTICATED, 'username or password is wrong');
    }
    if (account.status !== AccountStatus.ACTIVE.value) throw new ApiError(StaCode.FORBIDDEN, 'username: account is disabled');
    await account.update({ last_login_at: new Date() }, { transaction });
    return mint(account, ttlSeconds, meta, transaction);
  });
  return warm(opened);
}

/**
 * Refresh: spends `token` and mints its successor in one step, with the account's current
 * role; only one of any number of concurrent refreshes of a token succeeds.
 * Errors: 401 when the token was already spent, expired, or its account is gone or disabled.
 */
export async function refreshSession(
  token: string,
  accountId: number,
  ttlSeconds: number,
  meta: ClientMeta,
): Promise<OpenedSession> {
  const tokenHash = hashToken(token);
  const opened = await underAccountLock(accountId, async ({ account, transaction, changed }) => {
    if (!account || account.status !== AccountStatus.ACTIVE.value) throw new ApiError(StaCode.NOT_AUTHENTICATED, SPENT);
    if (!(await spend(tokenHash, transaction))) throw new ApiError(StaCode.NOT_AUTHENTICATED, SPENT);
    changed.push(tokenHash);
    return mint(account, ttlSeconds, meta, transaction);
  });
  return warm(opened);
}

/** Logout: revokes one session by token; false when it was no longer live (spent by another call). */
export async function revokeToken(token: string): Promise<boolean> {
  const tokenHash = hashToken(token);
  const spent = await spend(tokenHash);
  await loginSessionRc.forget([tokenHash]);
  return spent;
}

async function unrevokedSessions(locked: LockedAccount, exceptSid?: number): Promise<LoginSession[]> {
  const rows = await LoginSession.findAll({
    attributes: ['id', 'token_hash'],
    where: { account_id: locked.id, revoked_at: null },
    transaction: locked.transaction,
  });
  return rows.filter((r) => r.id !== exceptSid);
}

/** Under the account lock: revokes every session of the account (disable, delete, password change), optionally keeping one. */
export async function revokeAccountSessions(locked: LockedAccount, exceptSid?: number): Promise<void> {
  const rows = await unrevokedSessions(locked, exceptSid);
  if (!rows.length) return;
  await LoginSession.update(
    { revoked_at: new Date() },
    { where: { id: rows.map((r) => r.id), revoked_at: null }, transaction: locked.transaction },
  );
  locked.changed.push(...rows.map((r) => r.token_hash));
}

/** Under the account lock: a role change takes effect on the account's open sessions at once. */
export async function changeSessionsRole(locked: LockedAccount, role: string): Promise<void> {
  const rows = await unrevokedSessions(locked);
  if (!rows.length) return;
  await LoginSession.update({ role }, { where: { id: rows.map((r) => r.id) }, transaction: locked.transaction });
  locked.changed.push(...rows.map((r) => r.token_hash));
}
