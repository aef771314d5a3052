#!/usr/bin/env tsx
/**
 * systemd units for the root launchers (service-units/README.md):
 *   npm run units -- render [--user] [--service <name>] --out <dir>
 *   npm run units -- install [--user] [--service <name>] [--dest <dir>]
 *   npm run units -- uninstall [--user] [--service <name>] [--dest <dir>]
 * Paths: --root (project), --node (binary), --env-file, --run-as (system units' User=).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../common/libs/project_root.js';
import { findLaunchers, serviceConf, writablePaths } from './systemd/discover.js';
import { installUnits, type RenderedUnit, uninstallUnits, unitDir } from './systemd/install_unit.js';
import { renderUnit, type UnitVariant, unitName } from './systemd/render_unit.js';

const USAGE = 'usage: npm run units -- render|install|uninstall [--user] [--service <name>] [--out <dir>] [--dest <dir>]';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    user: { type: 'boolean', default: false },
    service: { type: 'string' },
    out: { type: 'string' },
    dest: { type: 'string' },
    root: { type: 'string' },
    node: { type: 'string', default: process.execPath },
    'env-file': { type: 'string' },
    'run-as': { type: 'string' },
  },
});

try {
  const command = positionals[0];
  if (!command || !['render', 'install', 'uninstall'].includes(command) || positionals.length > 1) throw new Error(USAGE);
  // Compiled, this file sits in dist/tools/: the project is the folder holding package.json.
  const root = path.resolve(
    values.root ?? (fs.existsSync(path.join(PROJECT_ROOT, 'package.json')) ? PROJECT_ROOT : path.dirname(PROJECT_ROOT)),
  );
  process.chdir(root);
  const project = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { name: string }).name;
  const variant: UnitVariant = values.user ? 'user' : 'system';
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
    const user =
      values['run-as'] ?? (os.userInfo().username === 'root' ? (process.env.SUDO_USER ?? 'root') : os.userInfo().username);
    const units: RenderedUnit[] = [];
    for (const launcher of launchers) {
      const envFile = path.resolve(values['env-file'] ?? defaultEnvFile(variant, project, launcher.name));
      const conf = await serviceConf(launcher.service, envFile);
      const target = { root, node: path.resolve(values.node), envFile, user, project };
      units.push({
        name: unitName(project, launcher),
        text: renderUnit(launcher, conf, variant, target),
        launcher: launcher.name,
        writable: writablePaths(conf, root),
      });
    }
    if (command === 'render') {
      if (!values.out) throw new Error(`render needs --out <dir>\n${USAGE}`);
      fs.mkdirSync(values.out, { recursive: true });
      for (const unit of units) fs.writeFileSync(path.join(values.out, unit.name), unit.text);
      print(units.map((u) => path.resolve(values.out!, u.name)));
    } else {
      if (user === 'root' && variant === 'system') print(['# runs as root: pass --run-as <account> to run it as another user']);
      print(installUnits(units, variant, dest, user, root));
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
