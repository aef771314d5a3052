import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { UnitVariant } from './render_unit.js';

/** A rendered unit and the folders it must be able to write. */
export interface RenderedUnit {
  name: string;
  text: string;
  launcher: string;
  writable: string[];
}

/** Where systemd looks for units: /etc/systemd/system, or ~/.config/systemd/user. */
export function unitDir(variant: UnitVariant): string {
  return variant === 'system' ? '/etc/systemd/system' : path.join(os.homedir(), '.config/systemd/user');
}

/** The `systemctl` command for the variant. */
export function systemctl(variant: UnitVariant): string {
  return variant === 'system' ? 'systemctl' : 'systemctl --user';
}

/**
 * Writes the units into `dest` and makes their writable folders (owned by `user` when run as
 * root for a system unit). Returns the lines to run next; it runs no systemctl itself.
 */
export function installUnits(units: RenderedUnit[], variant: UnitVariant, dest: string, user: string, root: string): string[] {
  fs.mkdirSync(dest, { recursive: true });
  const notes: string[] = [];
  const owner = variant === 'system' && process.getuid?.() === 0 ? idsOf(user) : undefined;
  for (const unit of units) {
    fs.writeFileSync(path.join(dest, unit.name), unit.text, { mode: 0o644 });
    for (const dir of unit.writable) {
      fs.mkdirSync(dir, { recursive: true });
      if (owner) fs.chownSync(dir, owner.uid, owner.gid);
    }
    if (!fs.existsSync(path.join(root, 'dist', `${unit.launcher}.js`))) {
      notes.push(`# dist/${unit.launcher}.js is missing: run \`npm run build\` in ${root} first`);
    }
  }
  const ctl = systemctl(variant);
  const names = units.map((u) => u.name).join(' ');
  const lines = [...notes, `${ctl} daemon-reload`, `${ctl} enable --now ${names}`];
  if (variant === 'user')
    lines.push(`loginctl enable-linger ${os.userInfo().username}   # start at boot, keep running after logout`);
  return lines;
}

/**
 * Removes the units from `dest`, and their `*.wants/` links (what `systemctl disable` does).
 * Returns the lines that stop the running copies and tell systemd.
 */
export function uninstallUnits(names: string[], variant: UnitVariant, dest: string): string[] {
  for (const name of names) {
    fs.rmSync(path.join(dest, name), { force: true });
    if (!fs.existsSync(dest)) continue;
    for (const dir of fs.readdirSync(dest).filter((d) => d.endsWith('.wants'))) {
      fs.rmSync(path.join(dest, dir, name), { force: true });
    }
  }
  const ctl = systemctl(variant);
  return [`${ctl} stop ${names.join(' ')}`, `${ctl} daemon-reload`, `${ctl} reset-failed`];
}

function idsOf(user: string): { uid: number; gid: number } | undefined {
  const id = (flag: string) => spawnSync('id', [flag, user], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(`user ${user} does not exist: useradd --system --no-create-home --shell /usr/sbin/nologin ${user}`);
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
