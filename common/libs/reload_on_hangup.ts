import type { BaseConf } from './base_conf.js';
import { describeReload, reloadConf } from './conf_reload.js';
import { ConfError } from './load_conf.js';
import type { MultLogger } from './mult_logger.js';

/**
 * SIGHUP (`systemctl reload`): reopens the log files, reloads the config's RELOADABLE keys
 * and applies LOG_LEVEL; the answer is one info line. An invalid new config is refused with
 * one failed line and the running values stay.
 */
export function reloadOnHangup(conf: Readonly<BaseConf>, log: MultLogger): void {
  process.on('SIGHUP', function reloadOnSighup() {
    try {
      log.reopen();
      const answer = reloadConf(conf);
      log.setLevel(conf.LOG_LEVEL);
      log.info(`SIGHUP: reloaded: ${describeReload(answer)}`);
    } catch (err) {
      // A reload must never take the service down: any failure keeps the running values.
      const why = err instanceof ConfError ? err.message : String(err);
      log.failed(
        `SIGHUP: config not reloaded, the running values stay: ${why}`,
        err instanceof ConfError ? undefined : (err as Error),
      );
    }
  });
}
