import { DataTypes, type Model, type ModelAttributeColumnOptions, type ModelStatic } from 'sequelize';
import { typeSpecOf } from './type_spec.js';
import type { ColumnSpec, DefaultSpec, IndexField, IndexSpec, Snapshot, TableSpec } from './types.js';

type AnyModel = ModelStatic<Model>;
type RawIndex = { name?: string; fields?: (string | { name?: string; attribute?: string; order?: string; length?: number })[] };
type RawIndexOptions = RawIndex & { unique?: boolean; type?: string; where?: unknown; using?: string };

/** Sequelize's own name for the unique index of a column declared `unique: true`. */
export function uniqueIndexName(table: string, column: string): string {
  return `${table}_${column}_unique`;
}

/**
 * The snapshot of initialised models: tables sorted by name, columns in model order,
 * indexes sorted by name. Plain data, equal for equal models on every machine.
 */
export function snapshotOfModels(models: readonly AnyModel[]): Snapshot {
  const tables: [string, TableSpec][] = models.map((model) => {
    const table = model.getTableName();
    if (typeof table !== 'string') throw new Error(`${model.name}: tables in a schema are not supported`);
    return [table, tableSpecOf(model, table)];
  });
  tables.sort(([a], [b]) => (a < b ? -1 : 1));
  return Object.fromEntries(tables);
}

function tableSpecOf(model: AnyModel, table: string): TableSpec {
  const columns: Record<string, ColumnSpec> = {};
  const fieldOf = new Map<string, string>();
  const uniqueGroups = new Map<string, string[]>();
  for (const [attrName, attr] of Object.entries(model.getAttributes()) as [string, ModelAttributeColumnOptions][]) {
    if ((attr.type as { key?: string }).key === DataTypes.VIRTUAL.key) continue;
    const column = attr.field ?? attrName;
    fieldOf.set(attrName, column);
    columns[column] = columnSpecOf(attr, `${table}.${column}`);
    const group = typeof attr.unique === 'string' ? attr.unique : (attr.unique as { name?: string } | undefined)?.name;
    if (group) uniqueGroups.set(group, [...(uniqueGroups.get(group) ?? []), column]);
  }
  const indexes = ((model.options.indexes ?? []) as RawIndexOptions[]).map((raw) => indexSpecOf(raw, table, fieldOf));
  for (const [name, fields] of uniqueGroups) indexes.push({ name, fields, unique: true });
  indexes.sort((a, b) => (a.name < b.name ? -1 : 1));
  const spec: TableSpec = { columns, indexes };
  const { charset, collate } = model.options as { charset?: string; collate?: string };
  if (charset) spec.charset = charset;
  if (collate) spec.collate = collate;
  return spec;
}

function columnSpecOf(attr: ModelAttributeColumnOptions, where: string): ColumnSpec {
  const spec: ColumnSpec = { type: typeSpecOf(attr.type, where), allowNull: !attr.primaryKey && attr.allowNull !== false };
  if (attr.primaryKey) spec.primaryKey = true;
  if (attr.autoIncrement) spec.autoIncrement = true;
  if (attr.unique === true) spec.unique = true;
  const def = defaultSpecOf(attr.defaultValue, where);
  if (def !== undefined && !(def === null && spec.allowNull)) spec.defaultValue = def;
  if (attr.comment) spec.comment = attr.comment;
  const collate = (attr as { collate?: string }).collate;
  if (collate) spec.collate = collate;
  const ref = attr.references;
  if (ref && typeof ref === 'object') {
    const target = ref.model;
    const refTable = typeof target === 'string' ? target : (target as { tableName?: string } | undefined)?.tableName;
    if (!refTable) throw new Error(`${where}: references needs a table name`);
    spec.references = { table: refTable, key: ref.key ?? 'id' };
    if (attr.onDelete) spec.references.onDelete = attr.onDelete;
    if (attr.onUpdate) spec.references.onUpdate = attr.onUpdate;
  }
  return spec;
}

/** A default the database holds; JS-side defaults (functions, NOW, UUIDV4) are not schema and are left out. */
function defaultSpecOf(value: unknown, where: string): DefaultSpec | undefined {
  if (value === undefined || typeof value === 'function') return undefined;
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value as DefaultSpec;
  if (value instanceof Date) return { date: value.toISOString() };
  const name = (value as object).constructor?.name;
  if (name === 'NOW' || name === 'UUIDV1' || name === 'UUIDV4') return undefined;
  if (name === 'Literal') return { literal: String((value as { val: unknown }).val) };
  throw new Error(`${where}: default value of kind ${name} is not supported (use Sequelize.literal)`);
}

function indexSpecOf(raw: RawIndexOptions, table: string, fieldOf: Map<string, string>): IndexSpec {
  if (raw.where || raw.using) throw new Error(`${table}: index options "where" and "using" are not supported`);
  const fields = (raw.fields ?? []).map((f): string | IndexField => {
    if (typeof f === 'string') return fieldOf.get(f) ?? f;
    const name = f.name ?? f.attribute ?? '';
    const out: IndexField = { name: fieldOf.get(name) ?? name };
    if (f.order) out.order = f.order.toUpperCase() as 'ASC' | 'DESC';
    if (f.length) out.length = f.length;
    return out;
  });
  const plain = fields.map((f) => (typeof f === 'string' ? f : f.name));
  const spec: IndexSpec = { name: raw.name ?? `${table}_${plain.join('_')}`, fields };
  if (raw.unique) spec.unique = true;
  if (raw.type === 'FULLTEXT' || raw.type === 'SPATIAL') spec.type = raw.type;
  return spec;
}
