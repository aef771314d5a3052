import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Options, Sequelize } from 'sequelize';
import { createSequelize } from '../db_registry.js';
import { MigrationContext, type RawStep, type StepExecutor } from './context.js';
import { applyOp, type DdlEnv } from './ddl.js';
import { loadMigration, type MigrationFile } from './migration_files.js';
import { dataLossOf, describeOp, type Op } from './ops.js';
import { captureStatements, type StatementCapture } from './sql_capture.js';
import type { Direction } from './steps.js';

export interface SqlPreviewOptions {
  /** The runner's connection; nothing is written through it. */
  sequelize: Sequelize;
  service: string;
  direction: Direction;
  /** In run order; `skip`: steps a broken-off run already applied (shown, not run). */
  migrations: { file: MigrationFile; skip: number }[];
  say: (line: string) => void;
}

/**
 * `upgrade --sql` / `downgrade --sql`: prints, per migration, a `-- <service>: <name> <up|down>`
 * header, then per step a `-- step N: ...` line (with its DATA LOSS mark) and the statements
 * it sends, each ending in `;`. Changes nothing:
 * - SQLite: the steps really run, one after the other, on a scratch copy of the database
 *   (`VACUUM INTO` a temporary file, removed after), so a step sees what the steps before
 *   it did (a rebuild of a column added two steps earlier comes out right).
 * - MySQL/MariaDB (DDL commits on its own, so no rollback can undo it): reads run, every
 *   other statement is recorded and not sent. A step's SQL is built from the schema as it
 *   is now, not as earlier pending steps would leave it.
 * An `m.step` function runs too, with the same connection: its reads happen, its writes are
 * printed (SQLite: and applied to the copy).
 */
export async function printMigrationSql(o: SqlPreviewOptions): Promise<void> {
  const scratch = o.sequelize.getDialect() === 'sqlite' ? await scratchCopy(o.sequelize) : undefined;
  const target = scratch?.sequelize ?? o.sequelize;
  const capture = captureStatements(target, { execute: !!scratch });
  try {
    for (const { file, skip } of o.migrations) {
      o.say(`-- ${o.service}: ${file.name} ${o.direction}`);
      const printer = new SqlPrinter({ sequelize: target }, capture, o.say, skip);
      await (await loadMigration(file))[o.direction](new MigrationContext(printer));
    }
  } finally {
    capture.stop();
    if (scratch) {
      await scratch.sequelize.close();
      fs.rmSync(scratch.file, { force: true });
    }
  }
}

class SqlPrinter implements StepExecutor {
  private index = 0;

  constructor(
    private readonly env: DdlEnv,
    private readonly capture: StatementCapture,
    private readonly say: (line: string) => void,
    private readonly skip: number,
  ) {}

  async run(op: Op, raw?: RawStep): Promise<void> {
    const n = ++this.index;
    const loss = dataLossOf(op);
    const done = n <= this.skip ? ' (applied by the run that broke off)' : '';
    this.say(`-- step ${n}: ${describeOp(op)}${loss ? `  [DATA LOSS: ${loss}]` : ''}${done}`);
    if (done) return;
    await applyOp(op, this.env, raw);
    const statements = this.capture.take();
    // A read the migration itself asks for (m.query('SELECT ...')) ran unrecorded: show it anyway.
    if (op.kind === 'query' && !statements.length) statements.push(op.sql.trim().replace(/;+$/, ''));
    if (!statements.length) this.say(`-- (no statement on ${this.env.sequelize.getDialect()})`);
    for (const sql of statements) this.say(`${sql};`);
  }
}

async function scratchCopy(source: Sequelize): Promise<{ sequelize: Sequelize; file: string }> {
  const file = path.join(os.tmpdir(), `gatehouse-sql-${randomBytes(6).toString('hex')}.sqlite`);
  await source.query('VACUUM INTO ?', { replacements: [file] });
  // As the runner opens it: foreign keys off while migrating (a rebuild drops and recreates).
  return { sequelize: createSequelize(`sqlite:${file}`, { foreignKeys: false } as Options), file };
}
