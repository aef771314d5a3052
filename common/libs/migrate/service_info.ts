import fs from 'node:fs';
import path from 'node:path';
import { tableName } from '../../model_db/table_name.js';
import { BaseConf } from '../base_conf.js';
import { PROJECT_ROOT, projectModuleUrl } from '../project_root.js';
import { MigrateError } from './migrate_error.js';

/**
 * What `init -t <service>` records in `migrations/<service>/migrate.json`: where the
 * models (the config's MODEL_LIST) and the connection (its `default` DB) come from.
 */
export interface ServiceInfo {
  service: string;
  /** Module (from the project root, no extension) exporting the loaded config. */
  config: string;
  /** Its export name; by convention `sysConf`. */
  export: string;
  models: 'MODEL_LIST';
  db: 'default';
  /** Where applied migrations are recorded. */
  table: string;
}

const SERVICE = /^[a-z][a-z0-9_]*$/;
/** The export a service's `config/index.ts` gives its loaded config. */
export const CONF_EXPORT = 'sysConf';

/** `migrations/<service>/` under the project root (or `dist/` once compiled). */
export function migrationsDir(service: string): string {
  return path.join(PROJECT_ROOT, 'migrations', service);
}

/** `<service>_migrations`, e.g. `manage_system_migrations` (each part passes the table-name rule). */
export function recordTableName(service: string): string {
  return tableName(...(service.split('_') as [string, ...string[]]), 'migrations');
}

/** The `-t` value, refused (exit 2) when missing or not a service folder name. */
export function checkServiceName(service: string | undefined): string {
  if (!service) throw new MigrateError('-t <service> is required', 2);
  if (!SERVICE.test(service)) throw new MigrateError(`-t ${service}: a service is a folder name like manage_system`, 2);
  return service;
}

/** What `init` recorded; refuses (exit 2) a service that was never initialised. */
export function readServiceInfo(service: string): ServiceInfo {
  const file = path.join(migrationsDir(service), 'migrate.json');
  if (!fs.existsSync(file)) throw new MigrateError(`${service}: not initialised, run \`npm run db -- init -t ${service}\``, 2);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ServiceInfo;
}

/** Writes `migrate.json` (creating the folder) and answers its path. */
export function writeServiceInfo(info: ServiceInfo): string {
  const dir = migrationsDir(info.service);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'migrate.json');
  fs.writeFileSync(file, `${JSON.stringify(info, null, 2)}\n`);
  return file;
}

/**
 * Imports the service's config module (which loads and validates the config) and picks
 * its export: `sysConf`, else the only exported BaseConf instance.
 */
export async function loadServiceConf(service: string, module = `${service}/config/index`, name?: string) {
  if (!fs.existsSync(path.join(PROJECT_ROOT, `${module}.ts`)) && !fs.existsSync(path.join(PROJECT_ROOT, `${module}.js`))) {
    throw new MigrateError(`${service}: ${module} not found (a service keeps its loaded config in <service>/config/index.ts)`, 2);
  }
  const mod = (await import(projectModuleUrl(module))) as Record<string, unknown>;
  const candidates = name ? [name] : CONF_EXPORT in mod ? [CONF_EXPORT] : Object.keys(mod);
  const found = candidates.filter((key) => mod[key] instanceof BaseConf);
  if (found.length !== 1) {
    throw new MigrateError(`${service}: ${module} must export its loaded config as \`${CONF_EXPORT}\``, 2);
  }
  const conf = mod[found[0]!] as Readonly<BaseConf>;
  if (conf.SERVER_NAME !== service) {
    throw new MigrateError(`${service}: its config says SERVER_NAME=${conf.SERVER_NAME}; they must be the same`, 2);
  }
  return { conf, module, exportName: found[0]! };
}
