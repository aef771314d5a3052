import { QueryTypes, type Sequelize, Transaction } from 'sequelize';
import { MigrationContext } from './context.js';
import { MigrateError } from './migrate_error.js';
import type { MigrationFile } from './migration_files.js';
import { loadMigration } from './migration_files.js';
import type { MigrationRecords } from './record_table.js';
import { type Direction, StepApplier } from './steps.js';

export interface RunFileOptions {
  sequelize: Sequelize;
  records: MigrationRecords;
  file: MigrationFile;
  direction: Direction;
  /** Steps in the plan, for the journal and messages. */
  total: number;
  resume: boolean;
  allowDataLoss: boolean;
}

/**
 * Applies one migration file in one direction. SQLite: all steps and the record in one
 * IMMEDIATE transaction, so a failure leaves nothing behind. MySQL (DDL commits on its
 * own): a journal row tracks each step, so a failure says which step and how many stayed.
 */
export async function runMigrationFile(o: RunFileOptions): Promise<void> {
  const mod = await loadMigration(o.file);
  const run = (applier: StepApplier) => mod[o.direction](new MigrationContext(applier));
  if (o.sequelize.getDialect() === 'sqlite') return inTransaction(o, run);
  return journaled(o, run);
}

type Run = (applier: StepApplier) => Promise<void>;

async function inTransaction(o: RunFileOptions, run: Run): Promise<void> {
  const { sequelize, records, file, direction } = o;
  const t = await sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE });
  const applier = new StepApplier({ env: { sequelize, transaction: t }, skip: 0, allowDataLoss: o.allowDataLoss });
  try {
    const rec = await records.get(file.name, t);
    // Another process may have applied it between our reading the list and this transaction.
    const done = direction === 'up' ? rec?.state === 'applied' : !rec;
    if (!done) {
      await run(applier);
      const broken = await sequelize.query('PRAGMA foreign_key_check', { transaction: t, type: QueryTypes.SELECT });
      if (broken.length) throw new MigrateError(`foreign keys no longer hold: ${JSON.stringify(broken[0])}`);
      if (direction === 'up') await records.write(file.name, applied(o.total), t);
      else await records.unlogMigration({ name: file.name }, t);
    }
    await t.commit();
  } catch (err) {
    await t.rollback();
    const error = `${(err as Error).message} (rolled back: nothing of it stayed)`;
    const state = direction === 'up' ? 'failed_up' : 'applied';
    await records.write(file.name, { state, steps_total: o.total, steps_done: 0, current_step: applier.current, error });
    throw failure(o, applier, err, 'rolled back, nothing of it stayed');
  }
}

async function journaled(o: RunFileOptions, run: Run): Promise<void> {
  const { records, file, direction } = o;
  const rec = await records.get(file.name);
  // The runner let this run through only if it may continue a broken-off one (killed, or --resume).
  const broken = rec && (rec.state === `running_${direction}` || rec.state === `failed_${direction}`);
  const skip = broken ? rec.steps_done : 0;
  await records.write(file.name, { state: `running_${direction}`, steps_total: o.total, steps_done: skip, error: null });
  const applier = new StepApplier({
    env: { sequelize: o.sequelize },
    skip,
    recheck: broken && rec.current_step?.startsWith(`step ${skip + 1}:`) ? skip + 1 : 0,
    allowDataLoss: o.allowDataLoss,
    journal: (event, n, what) =>
      records.write(file.name, event === 'start' ? { current_step: `step ${n}: ${what}` } : { steps_done: n }),
  });
  try {
    await run(applier);
  } catch (err) {
    await records.write(file.name, { state: `failed_${direction}`, steps_done: applier.done, error: (err as Error).message });
    const kept = applier.done
      ? `steps 1-${applier.done} stayed applied (MySQL DDL is not transactional); fix the cause, then run it again with --resume`
      : 'nothing of it was applied';
    throw failure(o, applier, err, kept);
  }
  if (direction === 'up') await records.write(file.name, applied(o.total));
}

function applied(total: number) {
  return {
    state: 'applied' as const,
    steps_total: total,
    steps_done: total,
    current_step: null,
    error: null,
    applied_at: new Date(),
  };
}

function failure(o: RunFileOptions, applier: StepApplier, err: unknown, kept: string): MigrateError {
  const code = err instanceof MigrateError ? err.exitCode : 1;
  const where = applier.current ? ` at ${applier.current} (of ${o.total})` : '';
  return new MigrateError(`${o.file.name} ${o.direction} failed${where}: ${(err as Error).message}; ${kept}`, code);
}
