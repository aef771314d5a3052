import type { BaseConf } from '../base_conf.js';
import type { MultLogger } from '../mult_logger.js';
import { ownersOf } from './owners.js';
import { MigrationRunner } from './runner.js';

/**
 * Start-up side of migrations. With DB_AUTO_MIGRATE (the embedded default) pending
 * migrations are applied, under each service's lock, before the service opens its
 * connections: those of every service owning a table it uses (its READ_MODELS' OWNERs),
 * then its own, so it works on a fresh database whichever service starts first. Without
 * it nothing is changed and pending ones are only reported (production runs
 * `npm run db -- upgrade -t <service>` on deploy). Data-losing steps are never applied here.
 */
export async function migrateAtStart(conf: Readonly<BaseConf>, log: MultLogger): Promise<void> {
  for (const service of await ownersOf(conf)) await migrateService(service, conf, log);
}

async function migrateService(service: string, conf: Readonly<BaseConf>, log: MultLogger): Promise<void> {
  const runner = new MigrationRunner({ service, url: conf.DB.default!, say: (line) => log.info(line) });
  try {
    if (!runner.files.length) {
      if (service === conf.SERVER_NAME && conf.MODEL_LIST.length) {
        log.warn(
          `${service}: migrations/${service}/ holds no migration, so its tables are not made; run \`npm run db -- init-db -t ${service}\``,
        );
      }
      return;
    }
    if (conf.DB_AUTO_MIGRATE) {
      await runner.upgrade();
      return;
    }
    const applied = new Set(await runner.records.executed().catch(() => [] as string[]));
    const pending = runner.files.filter((f) => !applied.has(f.name)).map((f) => f.name);
    if (pending.length) {
      log.warn(
        `${service}: ${pending.length} migration(s) not applied (${pending.join(', ')}); run \`npm run db -- upgrade -t ${service}\``,
      );
    }
  } finally {
    await runner.close();
  }
}
