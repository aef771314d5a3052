#!/usr/bin/env tsx
/**
 * systemd units for the root launchers (service-units/README.md; `--help` lists the options):
 *   npm run units -- render [--user] [--service <name>] [--run-as <account>] --out <dir>
 *   npm run units -- install [--user] [--service <name>] [--run-as <account>] [--dest <dir>]
 *   npm run units -- uninstall [--user] [--service <name>] [--dest <dir>]
 * Paths: --root (project), --dist (compiled), --node (binary), --service-env, --run-as (system units' User=).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCommandLine, refuse } from '../common/libs/cli_usage.js';
import { PROJECT_ROOT } from '../common/libs/project_root.js';
import { UNITS_CLI } from './cli/units.js';
import { accountExists } from './systemd/account.js';
import { findLaunchers, serviceConf, writablePaths } from './systemd/discover.js';
import { installUnits, type RenderedUnit, uninstallUnits, unitDir } from './systemd/install_unit.js';
import { renderUnit, type UnitVariant, unitName } from './systemd/render_unit.js';

const { values, positionals } = readCommandLine(UNITS_CLI);
const command = positionals[0] ?? '';
if (!Object.hasOwn(UNITS_CLI.commands ?? {}, command))
  refuse(UNITS_CLI, `${command ? `unknown command ${command}` : 'a command is required'}: render, install or uninstall`);
if (positionals.length > 1) refuse(UNITS_CLI, `unexpected argument ${positionals[1]}`);
const variant: UnitVariant = values.user ? 'user' : 'system';
const user = values['run-as'];
if (command !== 'uninstall' && variant === 'system') {
  if (!user) refuse(UNITS_CLI, 'system units need --run-as <account> (their User=), or --user for user units');
  if (!accountExists(user)) refuse(UNITS_CLI, `--run-as ${user}: no such account on this machine`);
}
if (command === 'render' && !values.out) refuse(UNITS_CLI, 'render needs --out <dir>');

try {
  // Compiled, this file sits in dist/tools/: the project is the folder holding package.json.
  const root = path.resolve(
    values.root ?? (fs.existsSync(path.join(PROJECT_ROOT, 'package.json')) ? PROJECT_ROOT : path.dirname(PROJECT_ROOT)),
  );
  process.chdir(root);
  const project = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { name: string }).name;
  const wanted = values.service;
  const launchers = findLaunchers(root).filter((l) => !wanted || [l.name, l.service, unitName(project, l)].includes(wanted));
  if (!launchers.length) throw new Error(wanted ? `no launcher or service named ${wanted}` : 'no launcher found');
  const dest = path.resolve(values.dest ?? unitDir(variant));

  if (command === 'uninstall') {
    print(
      uninstallUnits(
        launchers.map((l) => unitName(project, l)),
        variant,
        dest,
      ),
    );
  } else {
    const dist = path.resolve(values.dist ?? 'dist');
    // The units run the compiled launchers: refuse before writing units that cannot start.
    const missing = launchers.map((l) => path.join(dist, `${l.name}.js`)).find((file) => !fs.existsSync(file));
    if (missing) {
      const shown = (file: string) => (path.relative(root, file).startsWith('..') ? file : path.relative(root, file));
      const build = values.dist ? `npm run build -- --out ${shown(dist)}` : 'npm run build';
      refuse(UNITS_CLI, `${shown(missing)} is missing: run \`${build}\` first`);
    }
    const units: RenderedUnit[] = [];
    for (const launcher of launchers) {
      const envFile = path.resolve(values['service-env'] ?? defaultEnvFile(variant, project, launcher.name));
      const conf = await serviceConf(launcher.service, envFile);
      const target = { root, dist, node: path.resolve(values.node ?? process.execPath), envFile, user: user ?? '', project };
      units.push({
        name: unitName(project, launcher),
        text: renderUnit(launcher, conf, variant, target),
        launcher: launcher.name,
        writable: writablePaths(conf, root),
      });
    }
    if (command === 'render') {
      fs.mkdirSync(values.out!, { recursive: true });
      for (const unit of units) fs.writeFileSync(path.join(values.out!, unit.name), unit.text);
      print(units.map((u) => path.resolve(values.out!, u.name)));
    } else {
      print(installUnits(units, variant, dest, user ?? os.userInfo().username, root));
    }
  }
} catch (err) {
  const denied = (err as NodeJS.ErrnoException).code === 'EACCES' ? ' (system units need root: sudo, or --user)' : '';
  process.stderr.write(`units: ${(err as Error).message}${denied}\n`);
  process.exit(2);
}

function defaultEnvFile(variant: UnitVariant, project: string, launcher: string): string {
  const dir = variant === 'system' ? path.join('/etc', project) : path.join(os.homedir(), '.config', project);
  return path.join(dir, `${launcher}.env`);
}

function print(lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}
