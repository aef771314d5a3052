import { daysAgo } from '../../common/func/time.js';
import type { ScriptJob } from '../../common/libs/scheduler.js';
import { deadSinceWhere, LoginSession } from '../../common/model_db/login_session.js';
import { sysConf } from '../config/index.js';

/**
 * Deletes sessions that expired, or were revoked, a day ago or more (kept a day for audit).
 * "Expired" is the complement of `liveSessionWhere`, the test `resolve` and refresh use.
 */
export const expireSessions: ScriptJob = {
  name: 'expire_sessions',
  cron: sysConf.EXPIRE_SESSIONS_CRON,
  async run() {
    const sessions = await LoginSession.destroy({ where: deadSinceWhere(daysAgo(1)) });
    return { sessions };
  },
};
