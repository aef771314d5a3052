import type { BaseConf } from './base_conf.js';
import { registerDbs } from './db_registry.js';
import { migrateAtStart } from './migrate/at_start.js';
import { MigrateError } from './migrate/migrate_error.js';
import type { MultLogger } from './mult_logger.js';

/**
 * A launcher's database step: brings the schema up to date (see `migrateAtStart`), then
 * opens the connections and defines MODEL_LIST + READ_MODELS. A migration that fails or
 * is refused stops start-up with one line saying which step and what to do (exit 78:
 * a restart would not help, a person has to act).
 */
export async function bootDbs(conf: Readonly<BaseConf>, log: MultLogger): Promise<void> {
  try {
    await migrateAtStart(conf, log);
  } catch (err) {
    if (!(err instanceof MigrateError)) throw err;
    log.failed(`migration error: ${err.message}`);
    await log.close();
    process.stderr.write(`migration error: ${err.message}\n`);
    process.exit(78);
  }
  await registerDbs(
    conf.DB,
    [...conf.MODEL_LIST, ...conf.READ_MODELS],
    {
      max: conf.DB_POOL_MAX,
      acquireMs: conf.DB_POOL_ACQUIRE_MS,
    },
    conf.DB_REPLICAS,
  );
}
