import { literal, type ModelAttributeColumnOptions } from 'sequelize';
import { charsetOf } from './collation.js';
import { dataTypeOf } from './type_spec.js';
import type { ColumnSpec, DefaultSpec } from './types.js';

export interface AttributeOptions {
  /** For ALTER ... MODIFY: the column keeps its primary key and foreign key, so neither is declared again. */
  forChange?: boolean;
  /** MySQL: the server's name for the column's collation (`collation.ts`); SQLite passes none. */
  collate?: string;
}

/** The Sequelize attribute that `queryInterface` turns into a column definition. */
export function attributeOf(spec: ColumnSpec, opts: AttributeOptions = {}): ModelAttributeColumnOptions {
  const type = dataTypeOf(spec.type);
  // Sequelize has no column collation: the type text carries it (its generator prints a string type as is).
  const sql = () => (type as unknown as { toSql(): string }).toSql();
  const typed = opts.collate ? `${sql()} CHARACTER SET ${charsetOf(opts.collate)} COLLATE ${opts.collate}` : type;
  const attr: ModelAttributeColumnOptions = { type: typed as typeof type, allowNull: spec.allowNull };
  if (spec.primaryKey && !opts.forChange) attr.primaryKey = true;
  if (spec.autoIncrement) attr.autoIncrement = true;
  if (spec.defaultValue !== undefined) attr.defaultValue = defaultOf(spec.defaultValue);
  if (spec.comment) attr.comment = spec.comment;
  if (spec.references && !opts.forChange) {
    attr.references = { model: spec.references.table, key: spec.references.key };
    if (spec.references.onDelete) attr.onDelete = spec.references.onDelete;
    if (spec.references.onUpdate) attr.onUpdate = spec.references.onUpdate;
  }
  return attr;
}

function defaultOf(value: DefaultSpec): unknown {
  if (value === null || typeof value !== 'object') return value;
  return 'literal' in value ? literal(value.literal) : new Date(value.date);
}
