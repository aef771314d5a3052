import { Notifier, setServiceNotifier } from '../partner/notifier.js';
import type { BaseConf } from './base_conf.js';
import { workerTag } from './cluster.js';
import { MultLogger } from './mult_logger.js';
import { reloadOnHangup } from './reload_on_hangup.js';
import { setServiceLog } from './service_log.js';

/**
 * The service logger, also made the default for shared code; with it the failure notifier
 * (NOTIFY_WEBHOOK_URL) and the SIGHUP reload (log files, log level, RELOADABLE keys).
 * In a cluster worker every line carries the worker's tag (`[w1]`).
 */
export function bootLogger(conf: Readonly<BaseConf>): MultLogger {
  const log = new MultLogger({
    service: conf.SERVER_NAME,
    dir: conf.LOG_DIR,
    level: conf.LOG_LEVEL,
    keepDays: conf.LOG_KEEP_DAYS,
    stdout: conf.LOG_STDOUT,
    tag: workerTag(),
  });
  setServiceLog(log);
  setServiceNotifier(new Notifier(conf));
  reloadOnHangup(conf, log);
  process.on('unhandledRejection', (reason) => log.failed('unhandled rejection', reason as Error));
  return log;
}
