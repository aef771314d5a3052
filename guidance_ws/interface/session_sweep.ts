import { Op } from 'sequelize';
import { dependencyFailure } from '../../common/libs/dependency_down.js';
import { warnThrottled } from '../../common/libs/service_log.js';
import { LoginSession } from '../../common/model_db/login_session.js';
import { loginSessionRc } from '../../common/model_rc/login_session.js';

/** What the sweep needs of the gateway. */
export interface SessionHolder {
  tokenHashes(): string[];
  endSession(tokenHash: string): void;
  setRole(tokenHash: string, role: string): void;
}

const CHUNK = 500;

/**
 * Re-checks the sessions of open sockets every `everyMs`, straight from the session table:
 * the cache is per process in the embedded default, so only the database sees a logout in
 * manage_system at once. One query per 500 sessions; a failed query closes nothing.
 */
export function startSessionSweep(holder: SessionHolder, everyMs: number): () => void {
  let running = false;
  const timer = setInterval(async function sweepSessions() {
    if (running) return;
    running = true;
    try {
      const hashes = holder.tokenHashes();
      for (let i = 0; i < hashes.length; i += CHUNK) {
        const chunk = hashes.slice(i, i + CHUNK);
        const rows = await LoginSession.findAll({
          attributes: ['token_hash', 'role'],
          where: { token_hash: chunk, revoked_at: null, expires_at: { [Op.gt]: new Date() } },
        });
        const live = new Map(rows.map((r) => [r.token_hash, r.role]));
        const ended = chunk.filter((hash) => !live.has(hash));
        for (const hash of ended) holder.endSession(hash);
        if (ended.length) await loginSessionRc.forget(ended);
        for (const [hash, role] of live) holder.setRole(hash, role);
      }
    } catch (err) {
      if (!dependencyFailure(err)) {
        warnThrottled('guidance:session-sweep', 'session re-check failed; sockets stay open', { error: (err as Error).message });
      }
    } finally {
      running = false;
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
