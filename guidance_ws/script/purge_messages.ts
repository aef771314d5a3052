import { Op } from 'sequelize';
import { daysAgo } from '../../common/func/time.js';
import type { ScriptJob } from '../../common/libs/scheduler.js';
import { GuidanceMessage } from '../../common/model_db/guidance_message.js';
import { sysConf } from '../config/index.js';

/** Deletes messages older than MESSAGE_KEEP_DAYS; room counters stay, so seqs never restart. */
export const purgeMessages: ScriptJob = {
  name: 'purge_messages',
  cron: sysConf.PURGE_MESSAGES_CRON,
  async run() {
    const messages = await GuidanceMessage.destroy({ where: { created_at: { [Op.lt]: daysAgo(sysConf.MESSAGE_KEEP_DAYS) } } });
    return { messages };
  },
};
