import type { Sequelize, Transaction } from 'sequelize';
import type { Op } from './ops.js';
import type { ColumnSpec, IndexSpec, TableOptionsSpec } from './types.js';

/** What a free-form step (`m.step`) gets: the connection, and on SQLite the migration's transaction. */
export interface RawStepDb {
  sequelize: Sequelize;
  transaction?: Transaction;
}

/** The code of an `m.step`: runs against the migration's connection. */
export type RawStep = (db: RawStepDb) => Promise<void>;

/** Runs or records one step; the runner supplies a planner (dry run) or an applier. */
export interface StepExecutor {
  run(op: Op, raw?: RawStep): Promise<void>;
}

/**
 * The `m` a migration's `up` and `down` receive. Each call is one step: the runner
 * plans them all before touching the database (to refuse data loss up front), counts
 * them (so a failure names its step), and can resume after the last one done.
 * Column specs use canonical type text (`'STRING(64)'`); uniqueness is an index.
 */
export class MigrationContext {
  constructor(private readonly exec: StepExecutor) {}

  /** Creates a table; fails if it already exists. `options`: MySQL charset and default collation. */
  createTable(table: string, columns: Record<string, ColumnSpec>, options?: TableOptionsSpec): Promise<void> {
    return this.exec.run({ kind: 'createTable', table, columns, ...(options ? { options } : {}) });
  }

  /**
   * MySQL: converts the table and its text columns to `to` (columns with their own collation
   * lose it: set them again after). SQLite: nothing to do.
   */
  alterTableCharset(table: string, change: { from: TableOptionsSpec; to: TableOptionsSpec }): Promise<void> {
    return this.exec.run({ kind: 'alterTableCharset', table, from: change.from, to: change.to });
  }

  dropTable(table: string): Promise<void> {
    return this.exec.run({ kind: 'dropTable', table });
  }

  renameTable(from: string, to: string): Promise<void> {
    return this.exec.run({ kind: 'renameTable', from, to });
  }

  addColumn(table: string, column: string, spec: ColumnSpec): Promise<void> {
    return this.exec.run({ kind: 'addColumn', table, column, spec });
  }

  removeColumn(table: string, column: string): Promise<void> {
    return this.exec.run({ kind: 'removeColumn', table, column });
  }

  /** `from` is what the column was: the runner tells a widening from a narrowing with it. */
  changeColumn(table: string, column: string, change: { from: ColumnSpec; to: ColumnSpec }): Promise<void> {
    return this.exec.run({ kind: 'changeColumn', table, column, from: change.from, to: change.to });
  }

  renameColumn(table: string, from: string, to: string): Promise<void> {
    return this.exec.run({ kind: 'renameColumn', table, from, to });
  }

  addIndex(table: string, index: IndexSpec): Promise<void> {
    return this.exec.run({ kind: 'addIndex', table, index });
  }

  removeIndex(table: string, name: string): Promise<void> {
    return this.exec.run({ kind: 'removeIndex', table, name });
  }

  /** Runs one SQL statement (data migrations). */
  query(sql: string): Promise<void> {
    return this.exec.run({ kind: 'query', sql });
  }

  /** Runs free-form code as one step; a dry run records it without calling it. */
  step(description: string, fn: RawStep): Promise<void> {
    return this.exec.run({ kind: 'step', description }, fn);
  }
}
