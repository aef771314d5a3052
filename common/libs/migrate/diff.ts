import { MigrateError } from './migrate_error.js';
import { allIndexes, type Op, tableOptionsOf, withoutUnique } from './ops.js';
import type { ColumnSpec, IndexSpec, Snapshot, TableSpec } from './types.js';

/** Decided renames: tables old -> new, and per (new) table its columns old -> new. */
export interface Renames {
  tables: Map<string, string>;
  columns: Map<string, Map<string, string>>;
}

/** No table or column was renamed: every dropped+added pair is a drop and an add. */
export const NO_RENAMES: Renames = { tables: new Map(), columns: new Map() };

/**
 * The operations that turn schema `from` into schema `to`, in a safe order: renamed tables,
 * new tables, then per kept table index drops, column renames, adds, changes, drops and
 * index adds; dropped tables last.
 */
export function diffSnapshots(from: Snapshot, to: Snapshot, renames: Renames = NO_RENAMES): Op[] {
  const ops: Op[] = [];
  const renamedFrom = new Map([...renames.tables].map(([a, b]) => [b, a]));
  for (const [old, now] of renames.tables) ops.push({ kind: 'renameTable', from: old, to: now });
  const oldNameOf = (table: string) => renamedFrom.get(table) ?? (table in from ? table : undefined);
  for (const table of Object.keys(to)) {
    if (oldNameOf(table) !== undefined) continue;
    const spec = to[table]!;
    const columns = Object.fromEntries(Object.entries(spec.columns).map(([k, c]) => [k, withoutUnique(c)]));
    ops.push({ kind: 'createTable', table, columns, ...tableOptionsOf(spec) });
    for (const index of allIndexes(table, spec)) ops.push({ kind: 'addIndex', table, index });
  }
  for (const table of Object.keys(to)) {
    const old = oldNameOf(table);
    if (old !== undefined) ops.push(...diffTable(table, old, from[old]!, to[table]!, renames.columns.get(table)));
  }
  for (const table of Object.keys(from)) {
    if (!(table in to) && !renames.tables.has(table)) ops.push({ kind: 'dropTable', table, was: from[table]! });
  }
  return ops;
}

function diffTable(table: string, oldTable: string, a: TableSpec, b: TableSpec, renamed = new Map<string, string>()): Op[] {
  const newNameOf = (col: string) => renamed.get(col) ?? col;
  const oldNameOf = new Map([...renamed].map(([o, n]) => [n, o]));
  const before = new Map(allIndexes(oldTable, a).map((i) => [i.name, i]));
  const after = new Map(allIndexes(table, b).map((i) => [i.name, i]));
  const sameIndex = (x: IndexSpec, y: IndexSpec | undefined) => !!y && key(renameFields(x, newNameOf)) === key(y);
  const dropIdx = [...before.values()].filter((i) => !sameIndex(i, after.get(i.name)));
  const addIdx = [...after.values()].filter((i) => !before.has(i.name) || !sameIndex(before.get(i.name)!, i));

  const ops: Op[] = dropIdx.map((was) => ({ kind: 'removeIndex', table, name: was.name, was }));
  const converted = (a.charset ?? null) !== (b.charset ?? null) || (a.collate ?? null) !== (b.collate ?? null);
  if (converted)
    ops.push({ kind: 'alterTableCharset', table, from: tableOptionsOf(a).options ?? {}, to: tableOptionsOf(b).options ?? {} });
  for (const [old, now] of renamed) ops.push({ kind: 'renameColumn', table, from: old, to: now });
  const columns = Object.entries(b.columns).map(([col, spec]) => ({ col, spec, was: a.columns[oldNameOf.get(col) ?? col] }));
  for (const { col, spec, was } of columns) {
    if (was) continue;
    if (spec.primaryKey) throw unsupported(table, col, 'adding a primary key column');
    ops.push({ kind: 'addColumn', table, column: col, spec: withoutUnique(spec) });
  }
  for (const { col, spec, was } of columns) {
    // A charset conversion resets every column's collation: the ones declared are set again.
    if (was && (key(withoutUnique(was)) !== key(withoutUnique(spec)) || (converted && spec.collate))) {
      if (!!was.primaryKey !== !!spec.primaryKey) throw unsupported(table, col, 'changing the primary key');
      if (JSON.stringify(was.references) !== JSON.stringify(spec.references)) {
        throw unsupported(table, col, 'changing a foreign key');
      }
      ops.push({ kind: 'changeColumn', table, column: col, from: withoutUnique(was), to: withoutUnique(spec) });
    }
  }
  for (const [col, was] of Object.entries(a.columns)) {
    if (!(newNameOf(col) in b.columns)) ops.push({ kind: 'removeColumn', table, column: col, was: withoutUnique(was) });
  }
  for (const index of addIdx) ops.push({ kind: 'addIndex', table, index });
  return ops;
}

function renameFields(index: IndexSpec, newNameOf: (col: string) => string): IndexSpec {
  const fields = index.fields.map((f) => (typeof f === 'string' ? newNameOf(f) : { ...f, name: newNameOf(f.name) }));
  return { ...index, fields };
}

const COLUMN_KEYS = [
  'type',
  'allowNull',
  'primaryKey',
  'autoIncrement',
  'unique',
  'defaultValue',
  'comment',
  'references',
  'collate',
];
const INDEX_KEYS = ['name', 'fields', 'unique', 'type'];

/** Order-independent identity of a spec: fixed key order, false flags and undefined left out. */
function key(spec: ColumnSpec | IndexSpec): string {
  const keys = 'fields' in spec ? INDEX_KEYS : COLUMN_KEYS;
  const rec = spec as unknown as Record<string, unknown>;
  const flag = (k: string) => ['primaryKey', 'autoIncrement', 'unique'].includes(k);
  return JSON.stringify(keys.map((k) => (flag(k) ? !!rec[k] : rec[k])));
}

function unsupported(table: string, column: string, what: string): MigrateError {
  return new MigrateError(`${table}.${column}: ${what} is not generated; write it by hand in \`migrate --empty\``);
}

/** Whether two snapshots describe the same schema (what `migrate --verify` asks). */
export function sameSchema(a: Snapshot, b: Snapshot): boolean {
  return diffSnapshots(a, b).length === 0;
}
