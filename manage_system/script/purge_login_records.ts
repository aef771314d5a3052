import { Op } from 'sequelize';
import { daysAgo } from '../../common/func/time.js';
import type { ScriptJob } from '../../common/libs/scheduler.js';
import { sysConf } from '../config/index.js';
import { purgeIdleGuards } from '../db_model/guard_login.js';
import { RecordsLogin } from '../db_model/records_login.js';

/** Deletes login records older than RECORDS_KEEP_DAYS, and login counters idle for a day. */
export const purgeLoginRecords: ScriptJob = {
  name: 'purge_login_records',
  cron: sysConf.PURGE_RECORDS_CRON,
  async run() {
    const records = await RecordsLogin.destroy({ where: { created_at: { [Op.lt]: daysAgo(sysConf.RECORDS_KEEP_DAYS) } } });
    const guards = await purgeIdleGuards(daysAgo(1));
    return { records, guards };
  },
};
