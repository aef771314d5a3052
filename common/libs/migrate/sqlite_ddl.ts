import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { attributeOf } from './column_attr.js';
import type { ColumnSpec } from './types.js';

/**
 * SQLite can add, rename and drop a column in place but not change one: that takes the
 * rebuild SQLite documents (new table, copy, drop, rename, indexes back), done here from
 * the live schema so untouched columns, keys and indexes come back exactly as they were.
 * Runs inside the migration's transaction, with foreign keys off for the connection.
 */
export interface SqliteDdlEnv {
  sequelize: Sequelize;
  transaction?: Transaction;
}

type ColumnInfo = { name: string; type: string; notnull: number; dflt_value: string | null; pk: number };
type IndexInfo = { name: string; unique: number; origin: string };
type ForeignKey = { table: string; from: string; to: string; on_update: string; on_delete: string };

function select<T>(env: SqliteDdlEnv, sql: string, replacements: unknown[] = []): Promise<T[]> {
  return env.sequelize.query(sql, { type: QueryTypes.SELECT, replacements, transaction: env.transaction }) as Promise<T[]>;
}

function run(env: SqliteDdlEnv, sql: string): Promise<unknown> {
  return env.sequelize.query(sql, { transaction: env.transaction });
}

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function indexesOf(env: SqliteDdlEnv, table: string) {
  const list = await select<IndexInfo>(env, `PRAGMA index_list(${q(table)})`);
  return Promise.all(
    list.map(async (index) => ({
      ...index,
      columns: (await select<{ name: string }>(env, `PRAGMA index_info(${q(index.name)})`)).map((c) => c.name),
    })),
  );
}

/** Drops the indexes that use the column, then the column (SQLite refuses to drop an indexed one). */
export async function sqliteDropColumn(env: SqliteDdlEnv, table: string, column: string): Promise<void> {
  for (const index of await indexesOf(env, table)) {
    if (index.origin === 'c' && index.columns.includes(column)) await run(env, `DROP INDEX ${q(index.name)}`);
  }
  await run(env, `ALTER TABLE ${q(table)} DROP COLUMN ${q(column)}`);
}

/** Rebuilds the table with `column` defined by `to`; data, keys and indexes are kept. */
export async function sqliteChangeColumn(env: SqliteDdlEnv, table: string, column: string, to: ColumnSpec): Promise<void> {
  const [{ sql: tableSql } = { sql: '' }] = await select<{ sql: string }>(
    env,
    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
    [table],
  );
  const columns = await select<ColumnInfo>(env, `PRAGMA table_info(${q(table)})`);
  const indexes = await indexesOf(env, table);
  const created = await select<{ sql: string }>(
    env,
    "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
    [table],
  );
  const fks = await select<ForeignKey>(env, `PRAGMA foreign_key_list(${q(table)})`);

  const pk = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  const inlinePk = pk.length === 1 && (/\bAUTOINCREMENT\b/i.test(tableSql) || pk[0]!.name === column);
  const generator = env.sequelize.getQueryInterface().queryGenerator as {
    attributesToSQL(attrs: object, opts: object): Record<string, string>;
  };
  const defs = columns.map((c) => {
    if (c.name === column) {
      const attr = attributeOf(to, { forChange: !(inlinePk && pk[0]!.name === column) });
      const def = generator.attributesToSQL({ [column]: attr }, { context: 'changeColumn', table })[column]!;
      // An AUTOINCREMENT key must be spelled INTEGER (Sequelize's createTable does the same).
      return `${q(c.name)} ${/AUTOINCREMENT/.test(def) ? def.replace(/^BIGINT\b/, 'INTEGER') : def}`;
    }
    const keyPart =
      inlinePk && pk[0]!.name === c.name ? ` PRIMARY KEY${/\bAUTOINCREMENT\b/i.test(tableSql) ? ' AUTOINCREMENT' : ''}` : '';
    const notNull = c.notnull && !keyPart ? ' NOT NULL' : '';
    const def = c.dflt_value !== null ? ` DEFAULT ${c.dflt_value}` : '';
    return `${q(c.name)} ${c.type}${keyPart}${notNull}${def}`;
  });
  if (pk.length && !inlinePk) defs.push(`PRIMARY KEY (${pk.map((c) => q(c.name)).join(', ')})`);
  for (const u of indexes.filter((i) => i.origin === 'u')) defs.push(`UNIQUE (${u.columns.map(q).join(', ')})`);
  for (const fk of fks) {
    defs.push(
      `FOREIGN KEY (${q(fk.from)}) REFERENCES ${q(fk.table)} (${q(fk.to)}) ON DELETE ${fk.on_delete} ON UPDATE ${fk.on_update}`,
    );
  }

  const temp = `${table}__rebuild`;
  const names = columns.map((c) => q(c.name)).join(', ');
  const counter = /\bAUTOINCREMENT\b/i.test(tableSql) ? await select<{ seq: number }>(env, SEQ, [table]) : [];
  await run(env, `CREATE TABLE ${q(temp)} (${defs.join(', ')})`);
  await run(env, `INSERT INTO ${q(temp)} (${names}) SELECT ${names} FROM ${q(table)}`);
  await run(env, `DROP TABLE ${q(table)}`);
  await run(env, `ALTER TABLE ${q(temp)} RENAME TO ${q(table)}`);
  for (const { sql } of created) await run(env, sql);
  // AUTOINCREMENT never reuses an id: keep the counter past ids already handed out and deleted.
  if (counter[0]) {
    await env.sequelize.query('UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?', {
      replacements: [counter[0].seq, table],
      transaction: env.transaction,
    });
  }
}

const SEQ = 'SELECT seq FROM sqlite_sequence WHERE name = ?';
