import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { BaseConf } from '../../common/libs/base_conf.js';
import { loadConf } from '../../common/libs/load_conf.js';
import { MODULE_EXT, projectModuleUrl } from '../../common/libs/project_root.js';

/** A root launcher, found by the naming rule `http_*`, `ws_*`, `server_*`, `service_*`. */
export interface Launcher {
  /** File name without extension, e.g. `http_manage_system`. */
  name: string;
  /** The service package it starts (the folder of the config it imports), e.g. `manage_system`. */
  service: string;
}

const LAUNCHER = /^(http|ws|server|service)_[a-z][a-z0-9_]*$/;
const CONFIG_IMPORT = /from '\.\/([a-z][a-z0-9_]*)\/config\/index\.js'/;

/** The launchers at the project root (`root`: where the sources are), sorted by name. */
export function findLaunchers(root: string): Launcher[] {
  return fs
    .readdirSync(root)
    .filter((file) => path.extname(file) === '.ts' && LAUNCHER.test(path.basename(file, '.ts')))
    .sort()
    .map((file) => {
      const service = CONFIG_IMPORT.exec(fs.readFileSync(path.join(root, file), 'utf8'))?.[1];
      if (!service) throw new Error(`${file}: no import of ./<service>/config/index.js, so its service is unknown`);
      return { name: path.basename(file, '.ts'), service };
    });
}

/**
 * The config the service will run with under systemd: the environment file's values (the
 * unit's only environment), then `.env` and the config file in the project root, then the
 * class defaults. Needs the working directory to be the project root.
 */
export async function serviceConf(service: string, envFile: string): Promise<Readonly<BaseConf>> {
  const mod = (await import(projectModuleUrl(`${service}/config/sys_conf`))) as Record<string, unknown>;
  const Conf = Object.values(mod).find((v): v is typeof BaseConf => typeof v === 'function' && v.prototype instanceof BaseConf);
  if (!Conf) throw new Error(`${service}/config/sys_conf${MODULE_EXT} exports no BaseConf subclass`);
  const env = fs.existsSync(envFile) ? parseEnv(fs.readFileSync(envFile, 'utf8')) : {};
  return loadConf(Conf, { env: { NODE_ENV: 'production', ...env } });
}

/** Folders the service writes: LOG_DIR and the folder of every SQLite database. */
export function writablePaths(conf: Readonly<BaseConf>, root: string): string[] {
  const dirs = [path.resolve(root, conf.LOG_DIR)];
  for (const url of Object.values(conf.DB)) {
    const file = url.startsWith('sqlite:') ? url.slice('sqlite:'.length).replace(/^\/\//, '') : '';
    if (file && file !== ':memory:') dirs.push(path.dirname(path.resolve(root, file)));
  }
  return [...new Set(dirs)];
}
