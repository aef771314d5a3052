import { narrowingReason } from './narrowing.js';
import { uniqueIndexName } from './snapshot.js';
import type { ColumnSpec, IndexSpec, TableOptionsSpec, TableSpec } from './types.js';

/**
 * One schema operation: what `diff` produces, what a migration file calls on its
 * `MigrationContext`, and what the runner plans, journals and checks for data loss.
 * `was` (the state an operation removes) is known when generating, so `down` can be written.
 */
export type Op =
  | { kind: 'createTable'; table: string; columns: Record<string, ColumnSpec>; options?: TableOptionsSpec }
  | { kind: 'alterTableCharset'; table: string; from: TableOptionsSpec; to: TableOptionsSpec }
  | { kind: 'dropTable'; table: string; was?: TableSpec }
  | { kind: 'renameTable'; from: string; to: string }
  | { kind: 'addColumn'; table: string; column: string; spec: ColumnSpec }
  | { kind: 'removeColumn'; table: string; column: string; was?: ColumnSpec }
  | { kind: 'changeColumn'; table: string; column: string; from: ColumnSpec; to: ColumnSpec }
  | { kind: 'renameColumn'; table: string; from: string; to: string }
  | { kind: 'addIndex'; table: string; index: IndexSpec }
  | { kind: 'removeIndex'; table: string; name: string; was?: IndexSpec }
  | { kind: 'query'; sql: string }
  | { kind: 'step'; description: string };

/** A column as DDL sees it: uniqueness lives in its own index. */
export function withoutUnique(spec: ColumnSpec): ColumnSpec {
  const { unique: _unique, ...rest } = spec;
  return rest;
}

/** A table's indexes, including one per `unique: true` column. */
export function allIndexes(table: string, spec: TableSpec): IndexSpec[] {
  const implied = Object.entries(spec.columns)
    .filter(([, col]) => col.unique)
    .map(([name]): IndexSpec => ({ name: uniqueIndexName(table, name), fields: [name], unique: true }));
  return [...implied, ...spec.indexes];
}

/** Why the operation loses data, or undefined. */
export function dataLossOf(op: Op): string | undefined {
  if (op.kind === 'dropTable') return `drops table ${op.table} and every row in it`;
  if (op.kind === 'removeColumn') return `drops column ${op.table}.${op.column} and its values`;
  if (op.kind === 'changeColumn') {
    const why = narrowingReason(op.from.type, op.to.type);
    return why && `narrows ${op.table}.${op.column}: ${why}`;
  }
  return undefined;
}

/** One line saying what the operation does, for plans, journals and messages. */
export function describeOp(op: Op): string {
  switch (op.kind) {
    case 'createTable':
      return `create table ${op.table}`;
    case 'dropTable':
      return `drop table ${op.table}`;
    case 'alterTableCharset':
      return `convert table ${op.table} to ${op.to.charset ?? 'the database charset'}${op.to.collate ? ` ${op.to.collate}` : ''}`;
    case 'renameTable':
      return `rename table ${op.from} -> ${op.to}`;
    case 'addColumn':
      return `add column ${op.table}.${op.column} ${op.spec.type}`;
    case 'removeColumn':
      return `drop column ${op.table}.${op.column}`;
    case 'changeColumn':
      return `change column ${op.table}.${op.column} (${changedParts(op.from, op.to)})`;
    case 'renameColumn':
      return `rename column ${op.table}.${op.from} -> ${op.to}`;
    case 'addIndex':
      return `add ${op.index.unique ? 'unique ' : ''}index ${op.index.name} on ${op.table}`;
    case 'removeIndex':
      return `drop index ${op.name} on ${op.table}`;
    case 'query':
      return `query ${op.sql.replace(/\s+/g, ' ').slice(0, 60)}`;
    case 'step':
      return op.description;
  }
}

function changedParts(from: ColumnSpec, to: ColumnSpec): string {
  const keys = ['type', 'allowNull', 'defaultValue', 'autoIncrement', 'comment', 'references', 'collate'] as const;
  const show = (v: unknown) => (v === undefined ? 'none' : typeof v === 'string' ? v : JSON.stringify(v));
  const parts = keys
    .filter((k) => JSON.stringify(from[k]) !== JSON.stringify(to[k]))
    .map((k) => `${k} ${show(from[k])} -> ${show(to[k])}`);
  // Converting a table's charset resets every column's collation: an unchanged one is set again.
  return parts.length ? parts.join(', ') : `collate ${show(to.collate)} again`;
}

/** The operations that undo `op` (generation time: `was` is always known there). */
export function inverseOf(op: Op): Op[] {
  switch (op.kind) {
    case 'createTable':
      return [{ kind: 'dropTable', table: op.table, was: { columns: op.columns, indexes: [], ...op.options } }];
    case 'dropTable': {
      const was = op.was!;
      const columns = Object.fromEntries(Object.entries(was.columns).map(([k, c]) => [k, withoutUnique(c)]));
      const indexes = allIndexes(op.table, was).map((index): Op => ({ kind: 'addIndex', table: op.table, index }));
      return [{ kind: 'createTable', table: op.table, columns, ...tableOptionsOf(was) }, ...indexes];
    }
    case 'alterTableCharset':
      return [{ kind: 'alterTableCharset', table: op.table, from: op.to, to: op.from }];
    case 'renameTable':
      return [{ kind: 'renameTable', from: op.to, to: op.from }];
    case 'addColumn':
      return [{ kind: 'removeColumn', table: op.table, column: op.column, was: op.spec }];
    case 'removeColumn':
      return [{ kind: 'addColumn', table: op.table, column: op.column, spec: op.was! }];
    case 'changeColumn':
      return [{ ...op, from: op.to, to: op.from }];
    case 'renameColumn':
      return [{ kind: 'renameColumn', table: op.table, from: op.to, to: op.from }];
    case 'addIndex':
      return [{ kind: 'removeIndex', table: op.table, name: op.index.name, was: op.index }];
    case 'removeIndex':
      return [{ kind: 'addIndex', table: op.table, index: op.was! }];
    default:
      return [];
  }
}

/** `down` for a list of `up` operations: inverses in reverse, without dropping indexes of a table dropped anyway. */
export function downOps(up: readonly Op[]): Op[] {
  const down = [...up].reverse().flatMap(inverseOf);
  const dropped = new Set(down.filter((op) => op.kind === 'dropTable').map((op) => (op as { table: string }).table));
  return down.filter((op) => !(op.kind === 'removeIndex' && dropped.has(op.table)));
}

/** `{ options }` for a `createTable` of the table (nothing when it declares no charset). */
export function tableOptionsOf(spec: TableSpec): { options?: TableOptionsSpec } {
  const options: TableOptionsSpec = {};
  if (spec.charset) options.charset = spec.charset;
  if (spec.collate) options.collate = spec.collate;
  return Object.keys(options).length ? { options } : {};
}
