import fs from 'node:fs';
import path from 'node:path';
import type { BaseConf } from '../base_conf.js';
import type { ModelModule } from '../db_registry.js';
import { projectModuleUrl } from '../project_root.js';
import { migrationsDir } from './service_info.js';

/**
 * The services whose migrations make the tables a service uses on its `default` database:
 * the `OWNER` of every model module in its MODEL_LIST and READ_MODELS that names another
 * service (sorted), then the service itself. Start-up brings each of them up to date, so a
 * service works on a fresh database whichever starts first (migrations/README.md, "Who owns
 * a table"). Only services with a `migrations/<service>/migrate.json` are listed.
 */
export async function ownersOf(conf: Readonly<BaseConf>): Promise<string[]> {
  const others = new Set<string>();
  for (const modulePath of [...conf.MODEL_LIST, ...conf.READ_MODELS]) {
    const mod = (await import(projectModuleUrl(modulePath))) as ModelModule & { OWNER?: string };
    if (!mod.OWNER || mod.OWNER === conf.SERVER_NAME || (mod.DB_NAME ?? 'default') !== 'default') continue;
    if (fs.existsSync(path.join(migrationsDir(mod.OWNER), 'migrate.json'))) others.add(mod.OWNER);
  }
  return [...[...others].sort(), conf.SERVER_NAME];
}

/** Every service with a `migrations/<service>/migrate.json`, sorted: what `upgrade` without `-t` takes. */
export function initialisedServices(): string[] {
  const root = path.dirname(migrationsDir('x'));
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .filter((name) => fs.existsSync(path.join(root, name, 'migrate.json')))
    .sort();
}
