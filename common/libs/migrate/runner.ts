import fs from 'node:fs';
import type { Options, Sequelize } from 'sequelize';
import sqlite3 from 'sqlite3';
import { createSequelize } from '../db_registry.js';
import { acquireLock } from './lock.js';
import { MigrateError } from './migrate_error.js';
import { listMigrations, loadMigration, type MigrationFile } from './migration_files.js';
import { dataLossOf, describeOp, type Op } from './ops.js';
import { type MigrationRecord, MigrationRecords } from './record_table.js';
import { runMigrationFile } from './run_file.js';
import { choose, refuseDataLoss } from './selection.js';
import { migrationsDir, recordTableName } from './service_info.js';
import { printMigrationSql } from './sql_preview.js';
import { type Direction, planMigration } from './steps.js';

export interface RunnerOptions {
  service: string;
  /** The service's `default` database URL. */
  url: string;
  /** Where progress lines go (stdout for the CLI, the service log at start-up). */
  say?: (line: string) => void;
  lockTimeoutMs?: number;
  /**
   * Print the SQL of the pending steps instead of running them (`--sql`): the connection is
   * opened read-only where the driver can (SQLite), no lock is taken, nothing is written.
   */
  sql?: boolean;
}

export interface ApplyOptions {
  /** A version (`0003`, `3` or the full name): upgrade up to and including it; downgrade back to and including it. */
  to?: string;
  steps?: number;
  /** Record (or unrecord) without running. */
  fake?: boolean;
  /** Continue a run that failed (its cause fixed) after the steps it had applied; a killed run continues without it. */
  resume?: boolean;
  allowDataLoss?: boolean;
  /** Print the steps and stop. */
  dryRun?: boolean;
  /** The command to suggest in a data-loss refusal, without `--allow-data-loss` (the user's own). */
  command?: string;
}

/**
 * Applies and reverts a service's migrations with umzug, recording them in
 * `<service>_migrations`, under a lock, after planning every step to refuse data loss
 * before anything runs.
 */
export class MigrationRunner {
  readonly records: MigrationRecords;
  readonly files: MigrationFile[];
  private readonly say: (line: string) => void;

  constructor(
    readonly opts: RunnerOptions,
    readonly sequelize: Sequelize = createSequelize(connectionUrl(opts), migrationOptions(opts)),
  ) {
    this.records = new MigrationRecords(this.sequelize, recordTableName(opts.service));
    this.files = listMigrations(migrationsDir(opts.service));
    this.say = opts.say ?? (() => {});
  }

  /** Applies pending migrations; answers the names applied (none with `sql`: it prints them). */
  upgrade(opts: ApplyOptions = {}): Promise<string[]> {
    return this.opts.sql ? this.printSql('up', opts) : this.locked(() => this.apply('up', opts));
  }

  /** Reverts applied migrations, newest first (one unless `to` or `steps`). */
  downgrade(opts: ApplyOptions = {}): Promise<string[]> {
    return this.opts.sql ? this.printSql('down', opts) : this.locked(() => this.apply('down', opts));
  }

  /** Every migration file and every record, in order; a record without its file has no `file`. */
  async status(): Promise<{ name: string; file?: MigrationFile; record?: MigrationRecord }[]> {
    await this.records.ensure();
    const records = new Map((await this.records.all()).map((r) => [r.name, r]));
    const names = [...new Set([...this.files.map((f) => f.name), ...records.keys()])].sort();
    return names.map((name) => ({ name, file: this.files.find((f) => f.name === name), record: records.get(name) }));
  }

  close(): Promise<void> {
    return this.sequelize.close();
  }

  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    const name = recordTableName(this.opts.service);
    const onWait = () => this.say(`${this.opts.service}: waiting for another process's migration lock`);
    const lock = await acquireLock(this.sequelize, { name, timeoutMs: this.opts.lockTimeoutMs ?? 120_000, onWait });
    try {
      await this.records.ensure();
      return await fn();
    } finally {
      await lock.release();
    }
  }

  private async apply(direction: Direction, opts: ApplyOptions): Promise<string[]> {
    const { service } = this.opts;
    const chosen = await this.pick(this.records, direction, opts);
    if (!chosen.length) return [];
    const plans = await this.plan(chosen, direction);
    const totals = new Map<string, number>();
    for (const [name, ops] of plans) totals.set(name, ops.length);
    if (opts.dryRun) {
      this.report(plans, direction);
      return [];
    }
    refuseDataLoss(service, plans, direction, opts);
    // umzug (about 0.1 s of CPU to load) only when a step runs: a start-up with nothing pending never loads it
    const { MigrationError, Umzug } = await import('umzug');
    const umzug = new Umzug({
      migrations: this.files.map((file) => ({
        name: file.name,
        path: file.path,
        up: () => this.runFile(file, 'up', opts, totals),
        down: () => this.runFile(file, 'down', opts, totals),
      })),
      storage: this.records,
      logger: undefined,
    });
    try {
      await (direction === 'up' ? umzug.up({ migrations: chosen }) : umzug.down({ migrations: chosen }));
    } catch (err) {
      throw err instanceof MigrationError && err.cause instanceof Error ? err.cause : err;
    }
    return chosen;
  }

  /**
   * The migrations the command takes, after refusing to pass a broken-off run; says so when
   * there are none. Pending and applied are umzug's: the files, in order, without or with a record.
   */
  private async pick(storage: Pick<MigrationRecords, 'executed'>, direction: Direction, opts: ApplyOptions): Promise<string[]> {
    const recorded = new Set(await storage.executed());
    const applied = this.files.filter((f) => recorded.has(f.name)).map((f) => f.name);
    const candidates =
      direction === 'up' ? this.files.filter((f) => !recorded.has(f.name)).map((f) => f.name) : [...applied].reverse();
    const chosen = choose(candidates, direction, opts);
    await this.assertNoBrokenRun(direction, chosen[0], opts);
    if (!chosen.length) {
      const at = applied.at(-1) ?? 'no migration applied';
      this.say(`${this.opts.service}: nothing to ${direction === 'up' ? 'upgrade' : 'downgrade'} (at ${at})`);
    }
    return chosen;
  }

  /**
   * `--sql`: prints what the command would run (see printMigrationSql) and writes nothing:
   * no lock, no record table made (a database without one has every migration pending).
   */
  private async printSql(direction: Direction, opts: ApplyOptions): Promise<string[]> {
    const recorded = await this.records.exists();
    const storage = recorded ? this.records : { executed: async () => [] };
    const chosen = await this.pick(storage, direction, opts);
    const records = recorded ? await this.records.all() : [];
    const migrations = chosen.map((name) => {
      const rec = records.find((r) => r.name === name);
      // A run that broke off and that this command continues (checked above) passes over its done steps.
      const broken = rec && (rec.state === `running_${direction}` || rec.state === `failed_${direction}`);
      return { file: this.files.find((f) => f.name === name)!, skip: broken ? rec.steps_done : 0 };
    });
    await printMigrationSql({ sequelize: this.sequelize, service: this.opts.service, direction, migrations, say: this.say });
    return [];
  }

  private async runFile(file: MigrationFile, direction: Direction, opts: ApplyOptions, totals: Map<string, number>) {
    if (opts.fake) return;
    const started = Date.now();
    const total = totals.get(file.name) ?? 0;
    const { sequelize, records } = this;
    await runMigrationFile({
      sequelize,
      records,
      file,
      direction,
      total,
      resume: !!opts.resume,
      allowDataLoss: !!opts.allowDataLoss,
    });
    const verb = direction === 'up' ? 'applied' : 'reverted';
    this.say(`${this.opts.service}: ${verb} ${file.name} (${total} steps, ${Date.now() - started} ms)`);
  }

  private async plan(names: string[], direction: Direction): Promise<Map<string, Op[]>> {
    const plans = new Map<string, Op[]>();
    for (const name of names) {
      const file = this.files.find((f) => f.name === name)!;
      plans.set(name, await planMigration(await loadMigration(file), direction));
    }
    return plans;
  }

  /**
   * A run that broke off with steps applied blocks every other run until it is continued or
   * faked. A killed run (`running_*`: we hold the lock, so its process is gone) is continued
   * by the same command without flags; a failed one (`failed_*`) needs `--resume`, saying the
   * cause was fixed.
   */
  private async assertNoBrokenRun(direction: Direction, first: string | undefined, opts: ApplyOptions): Promise<void> {
    if (this.opts.sql && !(await this.records.exists())) return;
    const broken = (await this.records.all()).find((r) => r.state !== 'applied' && r.steps_done > 0);
    if (!broken || opts.fake) return;
    const killed = broken.state.startsWith('running');
    if ((opts.resume || killed) && broken.name === first && broken.state.endsWith(direction)) return;
    const way = broken.state.endsWith('up') ? 'upgrade' : 'downgrade';
    if (killed) {
      throw new MigrateError(
        `${broken.name}: its ${way} was cut off (process stopped) after step ${broken.steps_done} of ${broken.steps_total}; ` +
          `finish it first: \`npm run db -- ${way} -t ${this.opts.service}\``,
        3,
      );
    }
    throw new MigrateError(
      `${broken.name}: its ${way} broke off at ${broken.current_step ?? '?'} (of ${broken.steps_total}): ${broken.error ?? 'process stopped'}; ` +
        `steps 1-${broken.steps_done} are applied. Fix the cause, then \`npm run db -- ${way} -t ${this.opts.service} --resume\`, ` +
        `or repair by hand and \`${way} --fake --to ${broken.name.split('_')[0]}\``,
      3,
    );
  }

  private report(plans: Map<string, Op[]>, direction: Direction): void {
    for (const [name, ops] of plans) {
      this.say(`${this.opts.service}: would run ${name} ${direction}:`);
      ops.forEach((op, i) => {
        const loss = dataLossOf(op);
        this.say(`  ${i + 1}. ${describeOp(op)}${loss ? `  [DATA LOSS: ${loss}]` : ''}`);
      });
    }
  }
}

/** `--sql` on a SQLite file not made yet reads an empty in-memory database instead of making the file. */
function connectionUrl(opts: RunnerOptions): string {
  const file = opts.url.startsWith('sqlite:') ? opts.url.slice('sqlite:'.length).replace(/^\/\//, '') : undefined;
  return opts.sql && file !== undefined && !fs.existsSync(file) ? 'sqlite::memory:' : opts.url;
}

function migrationOptions(opts: RunnerOptions): Options {
  // SQLite: foreign keys off while migrating (a table rebuild drops and recreates), checked before commit.
  const options = { foreignKeys: false, logging: false } as Options;
  // `--sql` only reads: SQLite opens the file read-only (MySQL has no such connection flag).
  return opts.sql ? { ...options, dialectOptions: { mode: sqlite3.OPEN_READONLY } } : options;
}
