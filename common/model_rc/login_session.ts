import { RcModel } from '../libs/rc_model.js';
import { LOGIN_SESSION_TABLE, LoginSession, liveSessionWhere } from '../model_db/login_session.js';
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

// Key: sys_session:<sha256(token)> -> SessionInfo JSON for 60 s, or the stale marker for 5 min
// after the row changed (revoked, role changed). The TTL is short on purpose: it bounds how long
// a revocation missed during a cache outage can linger.
const TTL_SECONDS = 60;
const STALE_TTL_SECONDS = 300;

/**
 * The login session shared by every service: the shared cache (Redis) first, the database
 * when it misses, is invalidated or is down. A per-process cache (the embedded default) is
 * never used for sessions: it cannot hear a revocation made in another process (another
 * worker, guidance_ws), so there every check reads the database.
 */
export class LoginSessionRc extends RcModel<SessionInfo> {
  protected readonly prefix = LOGIN_SESSION_TABLE;
  protected override readonly ttlSeconds = TTL_SECONDS;
  protected override readonly staleTtlSeconds = STALE_TTL_SECONDS;

  /** The live session of `token`, or null when unknown, revoked or expired. */
  async resolve(token: string): Promise<SessionInfo | null> {
    const tokenHash = hashToken(token);
    const info = this.shared ? await this.getOrLoad(tokenHash, loadSession) : await loadSession(tokenHash);
    return info && info.expires_at > Date.now() ? info : null;
  }

  /** Warms the cache with a session just committed; never over a later invalidation. */
  async remember(tokenHash: string, info: SessionInfo): Promise<void> {
    if (this.shared) await this.putIfAbsent(tokenHash, info);
  }

  /** Call after the rows' change is committed (revoked, role changed). */
  async forget(tokenHashes: string[]): Promise<void> {
    if (this.shared) await this.invalidate(...tokenHashes);
  }

  private get shared(): boolean {
    return this.store.kind !== 'memory';
  }
}

async function loadSession(tokenHash: string): Promise<SessionInfo | null> {
  const row = await LoginSession.findOne({ where: { token_hash: tokenHash, ...liveSessionWhere(new Date()) } });
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
