import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MODULE_EXT } from '../project_root.js';
import { MigrateError } from './migrate_error.js';
import type { MigrationModule, Snapshot } from './types.js';

/**
 * A migration file: `NNNN_YYYYMMDDTHHMM_label.ts`. The name (no extension) is what gets
 * recorded, so it is the same once compiled to `.js`; the number keeps the order.
 */
export interface MigrationFile {
  name: string;
  number: number;
  path: string;
}

const NAME = /^(\d{4,})_[A-Za-z0-9_]+$/;

/** The service's migration files in order; throws when two share a number (two heads). */
export function listMigrations(dir: string): MigrationFile[] {
  if (!fs.existsSync(dir)) return [];
  const files = fs
    .readdirSync(dir)
    .filter((f) => path.extname(f) === MODULE_EXT && !f.endsWith(`.d${MODULE_EXT}`))
    .map((f) => ({ file: f, name: path.basename(f, MODULE_EXT) }))
    .filter(({ name }) => NAME.test(name))
    .map(({ file, name }) => ({ name, number: Number(NAME.exec(name)![1]), path: path.join(dir, file) }))
    .sort((a, b) => a.number - b.number || (a.name < b.name ? -1 : 1));
  for (let i = 1; i < files.length; i++) {
    if (files[i]!.number === files[i - 1]!.number) {
      throw new MigrateError(
        `two migrations share number ${files[i]!.number}: ${files[i - 1]!.name} and ${files[i]!.name} ` +
          '(two branches each added one); delete the newer one and run `migrate` again',
      );
    }
  }
  return files;
}

/** Imports a migration file and checks it exports `up`, `down` and `snapshot`. */
export async function loadMigration(file: MigrationFile): Promise<MigrationModule> {
  const mod = (await import(pathToFileURL(file.path).href)) as Partial<MigrationModule>;
  if (typeof mod.up !== 'function' || typeof mod.down !== 'function' || typeof mod.snapshot !== 'object') {
    throw new MigrateError(`${file.name}: a migration exports up, down and snapshot`);
  }
  return mod as MigrationModule;
}

/** The snapshot of the newest migration, or an empty one when there is none. */
export async function newestSnapshot(files: readonly MigrationFile[]): Promise<Snapshot> {
  const newest = files.at(-1);
  return newest ? (await loadMigration(newest)).snapshot : {};
}

/** `0003_20261121T0930_add_nickname` for the third migration labelled "add nickname". */
export function nextMigrationName(files: readonly MigrationFile[], label: string, now = new Date()): string {
  const number = String((files.at(-1)?.number ?? 0) + 1).padStart(4, '0');
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, '');
  const clean =
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 48) || 'update';
  return `${number}_${stamp}_${clean}`;
}
