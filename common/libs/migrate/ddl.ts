import type { Sequelize, Transaction } from 'sequelize';
import { attributeOf } from './column_attr.js';
import type { RawStep } from './context.js';
import { MigrateError } from './migrate_error.js';
import type { Op } from './ops.js';
import { sqliteChangeColumn, sqliteDropColumn } from './sqlite_ddl.js';

export interface DdlEnv {
  sequelize: Sequelize;
  /** SQLite: the migration's transaction (its DDL is transactional; MySQL's is not). */
  transaction?: Transaction;
}

/** Applies one operation with Sequelize's query interface, SQLite's own ALTER where it differs. */
export async function applyOp(op: Op, env: DdlEnv, raw?: RawStep): Promise<void> {
  const qi = env.sequelize.getQueryInterface();
  const t = { transaction: env.transaction };
  const sqlite = env.sequelize.getDialect() === 'sqlite';
  switch (op.kind) {
    case 'createTable': {
      // Sequelize writes CREATE TABLE IF NOT EXISTS; a table that is already there means the
      // schema was made outside migrations, which must be said rather than skipped.
      if (await qi.tableExists(op.table, t)) {
        throw new MigrateError(
          `table ${op.table} already exists: it was made outside migrations (sequelize.sync()?); ` +
            'see "Adopting an existing database" in migrations/README.md',
        );
      }
      const attrs = Object.fromEntries(Object.entries(op.columns).map(([k, c]) => [k, attributeOf(c)]));
      return void (await qi.createTable(op.table, attrs, t));
    }
    case 'dropTable':
      return qi.dropTable(op.table, t);
    case 'renameTable':
      return void (await qi.renameTable(op.from, op.to, t));
    case 'addColumn':
      return qi.addColumn(op.table, op.column, attributeOf(op.spec), t);
    case 'removeColumn':
      return sqlite ? sqliteDropColumn(env, op.table, op.column) : qi.removeColumn(op.table, op.column, t);
    case 'changeColumn':
      if (sqlite) return sqliteChangeColumn(env, op.table, op.column, op.to);
      return void (await qi.changeColumn(op.table, op.column, attributeOf(op.to, { forChange: true }), t));
    case 'renameColumn': {
      // RENAME COLUMN (SQLite 3.25+, MySQL 8, MariaDB 10.5.2+) keeps the type, default and indexes.
      const sql = `ALTER TABLE ${qi.quoteIdentifier(op.table)} RENAME COLUMN ${qi.quoteIdentifier(op.from)} TO ${qi.quoteIdentifier(op.to)}`;
      return void (await env.sequelize.query(sql, t));
    }
    case 'addIndex': {
      const { name, fields, unique, type } = op.index;
      return void (await qi.addIndex(op.table, { name, fields, unique: !!unique, ...(type ? { type } : {}), ...t }));
    }
    case 'removeIndex':
      return qi.removeIndex(op.table, op.name, t);
    case 'query':
      return void (await env.sequelize.query(op.sql, t));
    case 'step':
      return raw?.({ sequelize: env.sequelize, transaction: env.transaction });
  }
}
