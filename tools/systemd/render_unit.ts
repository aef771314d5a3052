import fs from 'node:fs';
import path from 'node:path';
import type { BaseConf } from '../../common/libs/base_conf.js';
import type { Launcher } from './discover.js';
import { writablePaths } from './discover.js';

export type UnitVariant = 'system' | 'user';

export interface UnitTarget {
  /** Absolute project root: WorkingDirectory. */
  root: string;
  /** Absolute folder of the compiled launchers (`<root>/dist` unless built elsewhere). */
  dist: string;
  /** Absolute node binary. */
  node: string;
  /** Absolute EnvironmentFile path (optional at run time: the unit prefixes it with `-`). */
  envFile: string;
  /** Account the system unit runs as (ignored by the user variant). */
  user: string;
  /** Unit name prefix, the project's package name. */
  project: string;
}

/** `<project>-<launcher>.service`, e.g. `gatehouse-http_manage_system.service`. */
export function unitName(project: string, launcher: Launcher): string {
  return `${project}-${launcher.name}.service`;
}

/** Spare seconds past the drains for the stop steps after them (cache, db, logs). */
const STOP_MARGIN_S = 5;
// Paths are written into the unit as they are: no quoting, so no spaces, quotes, `$` or `%`.
const PLAIN_PATH = /^\/[A-Za-z0-9._/+@:-]*$/;

/**
 * The unit file text: `service-units/<launcher>.<variant>.service.in` when a launcher needs its
 * own, else `service-units/<variant>.service.in`, with the `{{KEY}}` fields filled in.
 */
export function renderUnit(launcher: Launcher, conf: Readonly<BaseConf>, variant: UnitVariant, t: UnitTarget): string {
  const rw = writablePaths(conf, t.root);
  for (const p of [t.root, t.dist, t.node, t.envFile, ...rw]) {
    if (!PLAIN_PATH.test(p)) throw new Error(`${p}: use an absolute path without spaces, quotes, $ or %`);
  }
  if (variant === 'system' && !/^[a-z_][a-z0-9_-]*\$?$/i.test(t.user)) throw new Error(`${t.user}: not a user name`);
  const unit = unitName(t.project, launcher);
  const underHome = [t.root, t.dist, t.node, ...rw].some((p) => /^\/(home|root|run\/user)(\/|$)/.test(p));
  const fields: Record<string, string> = {
    UNIT: unit,
    UNIT_BASE: unit.replace(/\.service$/, ''),
    PROJECT: t.project,
    LAUNCHER: launcher.name,
    SERVICE: launcher.service,
    ROOT: t.root,
    DIST: t.dist,
    NODE: t.node,
    ENV_FILE: t.envFile,
    USER: t.user,
    // A launcher drains WebSockets and then HTTP, each for up to DRAIN_TIMEOUT_MS.
    TIMEOUT_STOP_SEC: String(Math.ceil((2 * conf.DRAIN_TIMEOUT_MS) / 1000) + STOP_MARGIN_S),
    RW_PATHS: rw.map((p) => `-${p}`).join(' '),
    // `yes` would hide a project (or node) kept under a home folder.
    PROTECT_HOME: underHome ? 'read-only' : 'yes',
    CAPABILITIES: conf.RUN_PORT > 0 && conf.RUN_PORT < 1024 ? 'CAP_NET_BIND_SERVICE' : '',
  };
  const template = fs.readFileSync(templateFile(t.root, launcher, variant), 'utf8');
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_, key: string) => {
    const value = fields[key];
    if (value === undefined) throw new Error(`template field {{${key}}} is unknown`);
    return value;
  });
}

function templateFile(root: string, launcher: Launcher, variant: UnitVariant): string {
  const own = path.join(root, 'service-units', `${launcher.name}.${variant}.service.in`);
  return fs.existsSync(own) ? own : path.join(root, 'service-units', `${variant}.service.in`);
}
