import { Op } from 'sequelize';
import { daysAgo } from '../../common/func/time.js';
import type { ScriptJob } from '../../common/libs/scheduler.js';
import { LoginSession } from '../../common/model_db/login_session.js';
import { sysConf } from '../config/index.js';

/** Deletes sessions that expired, or were revoked, more than a day ago (kept a day for audit). */
export const expireSessions: ScriptJob = {
  name: 'expire_sessions',
  cron: sysConf.EXPIRE_SESSIONS_CRON,
  async run() {
    const dayAgo = daysAgo(1);
    const sessions = await LoginSession.destroy({
      where: { [Op.or]: [{ expires_at: { [Op.lt]: dayAgo } }, { revoked_at: { [Op.lt]: dayAgo } }] },
    });
    return { sessions };
  },
};
