import { literal, type ModelAttributeColumnOptions } from 'sequelize';
import { dataTypeOf } from './type_spec.js';
import type { ColumnSpec, DefaultSpec } from './types.js';

export interface AttributeOptions {
  /** For ALTER ... MODIFY: the column keeps its primary key and foreign key, so neither is declared again. */
  forChange?: boolean;
}

/** The Sequelize attribute that `queryInterface` turns into a column definition. */
export function attributeOf(spec: ColumnSpec, opts: AttributeOptions = {}): ModelAttributeColumnOptions {
  const attr: ModelAttributeColumnOptions = { type: dataTypeOf(spec.type), allowNull: spec.allowNull };
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
