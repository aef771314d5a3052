#!/usr/bin/env tsx
/**
 * Runs one scheduled script of a service once, by hand, with the service's config, database
 * and cache set up as its launcher does:
 *   npm run script -- <service> <job>      e.g. npm run script -- manage_system expire_sessions
 *   npm run script -- <service>            lists the service's jobs
 *   npm run script -- --help
 * Exit code: 0 when the job succeeded, 1 when it failed (failed log + notifier), 2 on misuse.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BaseConf } from '../common/libs/base_conf.js';
import { closeCaches, registerCaches } from '../common/libs/cache_registry.js';
import { readCommandLine, refuse } from '../common/libs/cli_usage.js';
import { bootDbs } from '../common/libs/db_boot.js';
import { closeDbs } from '../common/libs/db_registry.js';
import { bootLogger } from '../common/libs/launcher.js';
import { MODULE_EXT, PROJECT_ROOT, projectModuleUrl } from '../common/libs/project_root.js';
import { runJobOnce, type ScriptJob } from '../common/libs/scheduler.js';
import { serviceNotifier } from '../common/partner/notifier.js';
import { SCRIPT_CLI } from './cli/script.js';

const [service, jobName, ...extra] = readCommandLine(SCRIPT_CLI).positionals;
function usage(msg: string): never {
  refuse(SCRIPT_CLI, msg);
}

const hasScripts = (name: string) => fs.existsSync(path.join(PROJECT_ROOT, name, 'script', `index${MODULE_EXT}`));
if (!service || extra.length) {
  const services = fs.readdirSync(PROJECT_ROOT).filter((d) => /^[a-z][a-z0-9_]*$/.test(d) && hasScripts(d));
  usage(`services with scripts: ${services.join(', ')}`);
}
if (!/^[a-z][a-z0-9_]*$/.test(service) || !hasScripts(service)) usage(`${service}: no such service (no ${service}/script/index)`);

// Importing the config module loads and checks the config (exit 78 on a bad value), like the launcher.
const { sysConf: conf } = (await import(projectModuleUrl(`${service}/config/index`))) as { sysConf: Readonly<BaseConf> };
const { SCRIPTS } = (await import(projectModuleUrl(`${service}/script/index`))) as { SCRIPTS: readonly ScriptJob[] };
const job = SCRIPTS.find((j) => j.name === jobName);
if (!job) {
  if (!jobName) {
    const list = SCRIPTS.map((j) => `  ${j.name.padEnd(28)} ${j.cron}`).join('\n');
    process.stdout.write(`${service} scripts (name, schedule):\n${list}\n`);
    process.exit(0);
  }
  usage(`${service} has no script ${jobName}; it has: ${SCRIPTS.map((j) => j.name).join(', ')}`);
}

const log = bootLogger(conf);
await bootDbs(conf, log);
await registerCaches(conf.REDIS);
const ok = await runJobOnce(job, log);
await serviceNotifier()?.flush();
await closeCaches();
await closeDbs();
await log.close();
process.exit(ok ? 0 : 1);
