import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../project_root.js';
import { diffSnapshots } from './diff.js';
import { MigrateError } from './migrate_error.js';
import { listMigrations, newestSnapshot, nextMigrationName } from './migration_files.js';
import { dataLossOf, describeOp, downOps, type Op } from './ops.js';
import { decideRenames, type RenameOptions } from './renames.js';
import { renderMigration } from './render.js';
import { loadServiceConf, migrationsDir, readServiceInfo, recordTableName, writeServiceInfo } from './service_info.js';
import { modelSnapshotOf } from './service_models.js';

/** Where a command prints its progress lines. */
export type Say = (line: string) => void;

const rel = (file: string) => path.relative(PROJECT_ROOT, file);

/** `init`: checks the service's config loads, then records where models and connection come from. */
export async function cmdInit(service: string, say: Say): Promise<void> {
  const { conf, module, exportName } = await loadServiceConf(service);
  const table = recordTableName(service);
  const file = writeServiceInfo({ service, config: module, export: exportName, models: 'MODEL_LIST', db: 'default', table });
  say(
    `${service}: wrote ${rel(file)} (models: MODEL_LIST of ${module}, ${conf.MODEL_LIST.length} modules; connection: DB.default)`,
  );
}

/** What `migrate` (and `init-db`) take from the command line. */
export interface MigrateOptions extends RenameOptions {
  name?: string;
  check: boolean;
  empty: boolean;
  /** The command line, quoted in the file's header. */
  command: string;
}

/** `migrate`: writes the next migration from the models' changes; `--verify` only tells (exit 1 when changed). */
export async function cmdMigrate(service: string, opts: MigrateOptions, say: Say): Promise<number> {
  const info = readServiceInfo(service);
  const { conf } = await loadServiceConf(service, info.config, info.export);
  const dir = migrationsDir(service);
  const files = listMigrations(dir);
  const { snapshot, warnings } = await modelSnapshotOf(conf);
  for (const w of warnings) say(`warning: ${w}`);
  const previous = await newestSnapshot(files);
  const since = files.at(-1)?.name ?? 'no migration';
  if (opts.check) return check(service, () => diffSnapshots(previous, snapshot), since, say);

  let up: Op[] = [];
  if (!opts.empty) {
    up = diffSnapshots(previous, snapshot, await decideRenames(previous, snapshot, opts));
    if (!up.length) {
      say(`${service}: nothing changed since ${since}; no migration written`);
      return 0;
    }
  }
  const name = nextMigrationName(files, opts.name ?? (opts.empty ? 'data' : 'update'));
  const text = renderMigration({
    service,
    name,
    snapshot: opts.empty ? previous : snapshot,
    up,
    down: downOps(up),
    command: opts.command,
  });
  const file = path.join(dir, `${name}.ts`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, text);
  say(`${service}: wrote ${rel(file)}${up.length ? '' : ' (empty: fill in up and down)'}`);
  for (const op of up) {
    const loss = dataLossOf(op);
    say(`  ${describeOp(op)}${loss ? `  [DATA LOSS: ${loss}]` : ''}`);
  }
  return 0;
}

function check(service: string, diff: () => Op[], since: string, say: Say): number {
  let ops: Op[];
  try {
    ops = diff();
  } catch (err) {
    if (!(err instanceof MigrateError)) throw err;
    say(`${service}: models changed in a way \`migrate\` cannot write: ${err.message}`);
    return 1;
  }
  if (!ops.length) {
    say(`${service}: models match ${since}`);
    return 0;
  }
  say(`${service}: models have changes no migration holds (since ${since}):`);
  for (const op of ops) say(`  ${describeOp(op)}`);
  say(`write it: npm run db -- migrate -t ${service} --name <what changed>`);
  return 1;
}

/** `init-db`: the first migration from the models, then applied; refused once a migration exists. */
export async function cmdInitDb(service: string, opts: MigrateOptions, say: Say): Promise<void> {
  readServiceInfo(service);
  const files = listMigrations(migrationsDir(service));
  if (files.length) {
    throw new MigrateError(`${service}: already has migrations (${files.at(-1)!.name}); use migrate and upgrade`, 2);
  }
  await cmdMigrate(service, { ...opts, name: opts.name ?? 'init', check: false, empty: false }, say);
}
