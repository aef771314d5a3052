import type { Sequelize, Transaction } from 'sequelize';
import { serverCollation } from './collation.js';
import { type AttributeOptions, attributeOf } from './column_attr.js';
import type { RawStep } from './context.js';
import { MigrateError } from './migrate_error.js';
import type { Op } from './ops.js';
import { sqliteChangeColumn, sqliteDropColumn } from './sqlite_ddl.js';
import type { ColumnSpec } from './types.js';

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
      const attrs: Record<string, ReturnType<typeof attributeOf>> = {};
      for (const [k, c] of Object.entries(op.columns)) attrs[k] = await columnAttr(c, env);
      const options = sqlite ? {} : await tableOptions(op.options ?? {}, env);
      return void (await qi.createTable(op.table, attrs, { ...t, ...options }));
    }
    case 'alterTableCharset': {
      if (sqlite || !op.to.charset) return; // SQLite has no charsets; "the database's" cannot be converted back to
      const { charset, collate } = await tableOptions(op.to, env);
      const sql = `ALTER TABLE ${qi.quoteIdentifier(op.table)} CONVERT TO CHARACTER SET ${charset}${collate ? ` COLLATE ${collate}` : ''}`;
      return void (await env.sequelize.query(sql));
    }
    case 'dropTable':
      return qi.dropTable(op.table, t);
    case 'renameTable':
      return void (await qi.renameTable(op.from, op.to, t));
    case 'addColumn':
      return qi.addColumn(op.table, op.column, await columnAttr(op.spec, env), t);
    case 'removeColumn':
      return sqlite ? sqliteDropColumn(env, op.table, op.column) : qi.removeColumn(op.table, op.column, t);
    case 'changeColumn':
      if (sqlite) return sameOnSqlite(op.from, op.to) ? undefined : sqliteChangeColumn(env, op.table, op.column, op.to);
      return void (await qi.changeColumn(op.table, op.column, await columnAttr(op.to, env, { forChange: true }), t));
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

/** The column's attribute, with its collation in the server's spelling on MySQL. */
async function columnAttr(spec: ColumnSpec, env: DdlEnv, opts: AttributeOptions = {}) {
  const mysql = env.sequelize.getDialect() !== 'sqlite';
  const collate = mysql && spec.collate ? await serverCollation(env.sequelize, spec.collate) : undefined;
  return attributeOf(spec, { ...opts, ...(collate ? { collate } : {}) });
}

async function tableOptions(o: { charset?: string; collate?: string }, env: DdlEnv) {
  return {
    ...(o.charset ? { charset: o.charset } : {}),
    ...(o.collate ? { collate: await serverCollation(env.sequelize, o.collate) } : {}),
  };
}

/**
 * Changes that mean nothing to SQLite, so its table rebuild is spared: a collation (it
 * compares text byte for byte anyway) and INTEGER <-> BIGINT of an AUTOINCREMENT key (its
 * INTEGER PRIMARY KEY is 64-bit already).
 */
function sameOnSqlite(from: ColumnSpec, to: ColumnSpec): boolean {
  const norm = ({ collate: _c, ...spec }: ColumnSpec) => {
    const key = spec.primaryKey && spec.autoIncrement && /^(INTEGER|BIGINT)$/.test(spec.type);
    return JSON.stringify(Object.entries(key ? { ...spec, type: 'INTEGER' } : spec).sort());
  };
  return norm(from) === norm(to);
}
