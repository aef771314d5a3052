import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createSequelize } from '../../common/libs/db_registry.js';
import { tempDir } from './backends.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCRATCH = 'scratch_svc';

export interface DbRun {
  code: number | null;
  out: string;
  err: string;
}

/**
 * A throwaway copy of the project (common/, tools/, package files; node_modules linked)
 * holding a scratch service whose models a test rewrites, so the real migration CLI runs
 * as a child process against it without touching the repository.
 */
export class Sandbox {
  readonly root = tempDir('migrate');
  readonly migrationsDir = path.join(this.root, 'migrations', SCRATCH);

  constructor(readonly dbUrl: string) {
    for (const dir of ['common', 'tools']) fs.cpSync(path.join(ROOT, dir), path.join(this.root, dir), { recursive: true });
    for (const file of ['package.json', 'tsconfig.json', 'biome.json'])
      fs.copyFileSync(path.join(ROOT, file), path.join(this.root, file));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(this.root, 'node_modules'));
    this.write('config/sys_conf.ts', CONF);
    this.write('config/index.ts', CONF_INDEX);
    this.setModels({});
  }

  /** Replaces the service's models: file name (in scratch_svc/db_model) -> source. */
  setModels(models: Record<string, string>): void {
    fs.rmSync(path.join(this.root, SCRATCH, 'db_model'), { recursive: true, force: true });
    for (const [name, source] of Object.entries(models)) this.write(`db_model/${name}.ts`, source);
    const list = Object.keys(models).map((name) => `'${SCRATCH}/db_model/${name}'`);
    this.write('config/model_list.ts', `export const MODEL_LIST: string[] = [${list.join(', ')}];\n`);
  }

  /**
   * Runs `tools/db.ts <args>` in the sandbox as its own process; `onOut` sees its stdout as
   * it comes. Resolves on 'close', not 'exit': at 'exit' its last lines may still be unread.
   */
  db(args: string[], extraEnv: Record<string, string> = {}, onOut?: (chunk: string) => void): Promise<DbRun> {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, DB_URL: this.dbUrl, ...extraEnv };
    const proc = spawn(process.execPath, ['--import', 'tsx/esm', 'tools/db.ts', ...args], { cwd: this.root, env });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => {
      out += d;
      onOut?.(String(d));
    });
    proc.stderr.on('data', (d) => (err += d));
    return new Promise((resolve) => proc.once('close', (code) => resolve({ code, out, err })));
  }

  /** Like `db`, but throws with the output unless it exits 0. */
  async ok(args: string[]): Promise<string> {
    const run = await this.db(args);
    if (run.code !== 0) throw new Error(`db ${args.join(' ')} exited ${run.code}\n${run.out}\n${run.err}`);
    return run.out;
  }

  migrations(): string[] {
    return fs.existsSync(this.migrationsDir)
      ? fs
          .readdirSync(this.migrationsDir)
          .filter((f) => f.endsWith('.ts'))
          .sort()
      : [];
  }

  /** Text of the newest migration file. */
  newest(): string {
    return fs.readFileSync(path.join(this.migrationsDir, this.migrations().at(-1)!), 'utf8');
  }

  /** Runs biome (the project's formatter and linter) on the sandbox's migrations. */
  biome(): Promise<DbRun> {
    const bin = path.join(ROOT, 'node_modules', '.bin', 'biome');
    const proc = spawn(bin, ['check', `migrations/${SCRATCH}`], { cwd: this.root, env: { PATH: process.env.PATH } });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (out += d));
    return new Promise((resolve) => proc.once('close', (code) => resolve({ code, out, err: '' })));
  }

  remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  private write(rel: string, text: string): void {
    const file = path.join(this.root, SCRATCH, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}

const CONF = `import { BaseConf } from '../../common/libs/base_conf.js';
import { MODEL_LIST } from './model_list.js';

export class SysConf extends BaseConf {
  override SERVER_NAME = '${SCRATCH}';
  override SERVER_ID = '${SCRATCH}_01';
  override RUN_PORT = 8999;
  override DB = { default: 'sqlite:run_data/scratch.sqlite' };
  override MODEL_LIST = MODEL_LIST;
}
`;

const CONF_INDEX = `import { bootConf } from '../../common/libs/boot_conf.js';
import { SysConf } from './sys_conf.js';

export const sysConf = bootConf(SysConf);
`;

/** Source of a model module defining one table from attribute and index source text. */
export function modelSource(table: string, attributes: string, indexes = '[]'): string {
  const name = table.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase());
  return `import { DataTypes, Model, type Sequelize } from 'sequelize';

class ${name} extends Model {}

export function init(sequelize: Sequelize): void {
  ${name}.init({ ${attributes} }, { sequelize, tableName: '${table}', timestamps: false, indexes: ${indexes} });
}
void DataTypes;
`;
}

/** A connection to the sandbox's database, for checking the real schema and data. */
export function inspect(url: string): Sequelize {
  return createSequelize(url);
}

/** Column name -> { type, allowNull, defaultValue } as the database reports it. */
export async function columnsOf(
  db: Sequelize,
  table: string,
): Promise<Record<string, { type: string; allowNull: boolean; defaultValue: unknown }>> {
  return (await db.getQueryInterface().describeTable(table)) as never;
}

/** Index name -> unique flag, primary keys left out. */
export async function indexesOf(db: Sequelize, table: string): Promise<Record<string, boolean>> {
  const rows = (await db.getQueryInterface().showIndex(table)) as { name: string; unique: boolean; primary?: boolean }[];
  return Object.fromEntries(
    rows
      .filter((r) => !r.primary && r.name !== 'PRIMARY' && !r.name.startsWith('sqlite_autoindex'))
      .map((r) => [r.name, !!r.unique]),
  );
}

export async function tableNames(db: Sequelize): Promise<string[]> {
  const rows = (await db.getQueryInterface().showAllTables()) as (string | { tableName: string })[];
  return rows.map((r) => (typeof r === 'string' ? r : r.tableName)).sort();
}

/**
 * The schema of every table but the migration record and lock tables, as the database
 * itself prints it (MySQL `SHOW CREATE TABLE` without the AUTO_INCREMENT counter; SQLite's
 * `sqlite_master`): equal text means an equal schema.
 */
export async function schemaText(db: Sequelize): Promise<string> {
  const tables = (await tableNames(db)).filter((t) => !/_migrations(_lock)?$/.test(t) && t !== 'sqlite_sequence');
  const parts: string[] = [];
  for (const table of tables) {
    if (db.getDialect() === 'sqlite') {
      const rows = (await db.query('SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? ORDER BY type, name', {
        replacements: [table],
        type: QueryTypes.SELECT,
      })) as { type: string; name: string; sql: string | null }[];
      // SQLite's ALTER TABLE rewrites the statement with its own quotes: the same schema, other text.
      parts.push(...rows.map((r) => `${r.type} ${r.name}: ${r.sql?.replace(/"([^"]*)"/g, '`$1`')}`));
    } else {
      const [row] = (await db.query(`SHOW CREATE TABLE \`${table}\``, { type: QueryTypes.SELECT })) as Record<string, string>[];
      parts.push(row!['Create Table']!.replace(/ AUTO_INCREMENT=\d+/, ''));
    }
  }
  return parts.join('\n');
}
