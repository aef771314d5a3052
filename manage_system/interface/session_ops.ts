import { Op } from 'sequelize';
import { LoginSession } from '../../common/model_db/login_session.js';
import { loginSessionRc, type SessionInfo } from '../../common/model_rc/login_session.js';
import { hashToken, newToken } from '../../common/partner/token.js';
import type { Account } from '../db_model/account.js';

export interface OpenedSession {
  token: string;
  info: SessionInfo;
}

/** Creates a session row (token stored hashed) and warms the shared session cache. */
export async function openSession(account: Account, ttlSeconds: number, ip: string, userAgent: string): Promise<OpenedSession> {
  const token = newToken();
  const tokenHash = hashToken(token);
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  const row = await LoginSession.create({
    token_hash: tokenHash,
    account_id: account.id,
    username: account.username,
    role: account.role,
    ip,
    user_agent: userAgent.slice(0, 255),
    expires_at: expiresAt,
    revoked_at: null,
  });
  const info: SessionInfo = {
    sid: row.id,
    account_id: account.id,
    username: account.username,
    role: account.role,
    expires_at: expiresAt.getTime(),
  };
  await loginSessionRc.put(tokenHash, info);
  return { token, info };
}

/** Revokes one session by token: from then on no service accepts it. */
export async function revokeToken(token: string): Promise<void> {
  const tokenHash = hashToken(token);
  await LoginSession.update({ revoked_at: new Date() }, { where: { token_hash: tokenHash, revoked_at: null } });
  await loginSessionRc.forget([tokenHash]);
}

async function liveSessionHashes(accountId: number, exceptSid?: number): Promise<string[]> {
  const rows = await LoginSession.findAll({
    attributes: ['token_hash'],
    where: { account_id: accountId, revoked_at: null, ...(exceptSid ? { id: { [Op.ne]: exceptSid } } : {}) },
  });
  return rows.map((r) => r.token_hash);
}

/** Revokes every live session of an account (disable, delete, password change), optionally keeping one. */
export async function revokeAccountSessions(accountId: number, exceptSid?: number): Promise<void> {
  const hashes = await liveSessionHashes(accountId, exceptSid);
  if (!hashes.length) return;
  await LoginSession.update({ revoked_at: new Date() }, { where: { token_hash: hashes } });
  await loginSessionRc.forget(hashes);
}

/** A role change takes effect on the account's open sessions at once. */
export async function changeSessionsRole(accountId: number, role: string): Promise<void> {
  const hashes = await liveSessionHashes(accountId);
  if (!hashes.length) return;
  await LoginSession.update({ role }, { where: { token_hash: hashes } });
  await loginSessionRc.forget(hashes);
}
