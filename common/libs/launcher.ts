import { Notifier, setServiceNotifier } from '../partner/notifier.js';
import type { BaseConf } from './base_conf.js';
import { workerTag } from './cluster.js';
import { ConfError, loadConf } from './load_conf.js';
import { MultLogger } from './mult_logger.js';
import { reloadOnHangup } from './reload_on_hangup.js';
import { setServiceLog } from './service_log.js';

type ConfClass<T extends BaseConf> = Parameters<typeof loadConf<T>>[0];

/** Loads the config or stops the process with one line naming the key and why. */
export function bootConf<T extends BaseConf>(Conf: ConfClass<T>): Readonly<T> {
  try {
    return loadConf(Conf);
  } catch (err) {
    if (!(err instanceof ConfError)) throw err;
    process.stderr.write(`config error: ${err.message}\n`);
    process.exit(78); // EX_CONFIG: systemd's Restart=on-failure should not loop on it forever
  }
}

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
