import { Op } from 'sequelize';
import { RcModel } from '../libs/rc_model.js';
import { LOGIN_SESSION_TABLE, LoginSession } from '../model_db/login_session.js';
import { hashToken } from '../partner/token.js';

/** What a service knows about the caller once a token is resolved. */
export interface SessionInfo {
  sid: number;
  account_id: number;
  username: string;
  role: string;
  /** Epoch milliseconds. */
  expires_at: number;
}

// Key: sys_session:<sha256(token)> -> SessionInfo JSON. The TTL is short on purpose: it bounds
// how long a revocation missed during a cache outage can linger.
const TTL_SECONDS = 60;

/** The login session shared by every service: cache first, database when the cache misses or is down. */
export class LoginSessionRc extends RcModel<SessionInfo> {
  protected readonly prefix = LOGIN_SESSION_TABLE;
  protected override readonly ttlSeconds = TTL_SECONDS;

  /** The live session of `token`, or null when unknown, revoked or expired. */
  async resolve(token: string): Promise<SessionInfo | null> {
    const tokenHash = hashToken(token);
    const info = await this.getOrLoad(tokenHash, () => loadSession(tokenHash));
    return info && info.expires_at > Date.now() ? info : null;
  }

  async forget(tokenHashes: string[]): Promise<void> {
    await this.invalidate(...tokenHashes);
  }
}

async function loadSession(tokenHash: string): Promise<SessionInfo | null> {
  const row = await LoginSession.findOne({
    where: { token_hash: tokenHash, revoked_at: null, expires_at: { [Op.gt]: new Date() } },
  });
  if (!row) return null;
  return {
    sid: row.id,
    account_id: row.account_id,
    username: row.username,
    role: row.role,
    expires_at: row.expires_at.getTime(),
  };
}

export const loginSessionRc = new LoginSessionRc();
