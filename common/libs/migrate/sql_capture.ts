import { QueryTypes, type Sequelize } from 'sequelize';

/**
 * Catches the statements a Sequelize instance sends, as the driver would get them (after
 * Sequelize has put the replacements in): the hook is the dialect's `Query.run`, which
 * every `sequelize.query` and every queryInterface method ends in. Reads (SELECT, SHOW,
 * DESCRIBE, EXPLAIN, a PRAGMA that sets nothing) always run, so SQL built from the live
 * schema (SQLite's table rebuild, MySQL's foreign-key lookup before a drop) comes out right.
 * Anything else is recorded, and with `execute: false` never sent: it answers an empty result.
 */
export interface CaptureOptions {
  /** Send the recorded statements too (a scratch copy of the database), or only record them. */
  execute: boolean;
}

export interface StatementCapture {
  /** Takes the statements recorded since the last call. */
  take(): string[];
  /** Puts the instance back as it was. */
  stop(): void;
}

type QueryRun = { run(sql: string, params?: unknown): Promise<unknown>; options: { type?: string } };
type QueryClass = new (...args: never[]) => QueryRun;

const READ = /^\s*(SELECT|SHOW|DESCRIBE|DESC|EXPLAIN)\b|^\s*PRAGMA\s+[\w."]+\s*(\([^)]*\))?\s*;?\s*$/i;

/** Installs the hook on this instance only (its dialect object), until `stop()`. */
export function captureStatements(sequelize: Sequelize, opts: CaptureOptions): StatementCapture {
  const dialect = (sequelize as unknown as { dialect: { Query: QueryClass } }).dialect;
  const Original = dialect.Query;
  let recorded: string[] = [];
  dialect.Query = class CapturingQuery extends Original {
    override async run(sql: string, params?: unknown): Promise<unknown> {
      if (READ.test(sql)) return super.run(sql, params);
      const bind = Array.isArray(params) && params.length ? ` /* bind ${JSON.stringify(params)} */` : '';
      recorded.push(`${sql.trim().replace(/;+$/, '')}${bind}`);
      if (opts.execute) return super.run(sql, params);
      return this.options.type === QueryTypes.SELECT ? [] : [[], 0];
    }
  } as unknown as QueryClass;
  return {
    take() {
      const out = recorded;
      recorded = [];
      return out;
    },
    stop() {
      dialect.Query = Original;
    },
  };
}
