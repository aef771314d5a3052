import { alreadyApplied } from './applied_check.js';
import { MigrationContext, type RawStep, type StepExecutor } from './context.js';
import { applyOp, type DdlEnv } from './ddl.js';
import { MigrateError } from './migrate_error.js';
import { dataLossOf, describeOp, type Op } from './ops.js';
import type { MigrationModule } from './types.js';

/** `up` applies a migration, `down` reverts it. */
export type Direction = 'up' | 'down';

/** Records the steps of a migration without a database: a dry run. */
export class StepPlanner implements StepExecutor {
  readonly ops: Op[] = [];

  async run(op: Op): Promise<void> {
    this.ops.push(op);
  }
}

/** The steps `up` or `down` of a migration would take, in order. */
export async function planMigration(mod: MigrationModule<MigrationContext>, direction: Direction): Promise<Op[]> {
  const planner = new StepPlanner();
  await mod[direction](new MigrationContext(planner));
  return planner.ops;
}

export interface ApplierOptions {
  env: DdlEnv;
  /** Steps already applied by a run that broke off (`--resume`): they are passed over. */
  skip: number;
  allowDataLoss: boolean;
  /**
   * The step a broken-off run had started but not journaled as done (0: none): it may or may
   * not have taken effect, so the schema is asked first and it is passed over if it did.
   */
  recheck?: number;
  /** Told before and after each step (MySQL keeps its journal row up to date with it). */
  journal?: (event: 'start' | 'done', step: number, description: string) => Promise<void>;
}

/** Applies the steps one by one, counting them so a failure can name its step. */
export class StepApplier implements StepExecutor {
  /** Steps finished (including the ones passed over). */
  done = 0;
  /** The step being applied, `step N: what`. */
  current = '';
  private index = 0;

  constructor(private readonly opts: ApplierOptions) {}

  async run(op: Op, raw?: RawStep): Promise<void> {
    const n = ++this.index;
    if (n <= this.opts.skip) {
      this.done = n;
      return;
    }
    const what = describeOp(op);
    this.current = `step ${n}: ${what}`;
    const loss = dataLossOf(op);
    if (loss && !this.opts.allowDataLoss) throw new MigrateError(`refused: ${loss} (needs --allow-data-loss)`, 3);
    await this.opts.journal?.('start', n, what);
    if (!(n === this.opts.recheck && (await alreadyApplied(op, this.opts.env)))) await applyOp(op, this.opts.env, raw);
    // Test hook: dies right after step n took effect, before it is journaled (the worst moment for a kill).
    if (Number(process.env.GH_MIGRATE_KILL_AFTER_STEP) === n) process.kill(process.pid, 'SIGKILL');
    this.done = n;
    await this.opts.journal?.('done', n, what);
  }
}
