import type { ModelOptions } from 'sequelize';
import { TABLE_CHARSET } from './text_rule.js';

const PART = /^[a-z][a-z0-9]*$/;

/**
 * `<service tag>_<type>_<function>`, e.g. `tableName('sys', 'records', 'login')` ->
 * `sys_records_login`; the type is optional (`sys_account`).
 */
export function tableName(tag: string, ...rest: string[]): string {
  const parts = [tag, ...rest];
  for (const part of parts) {
    if (!PART.test(part)) throw new Error(`table name part "${part}" must be lower-case letters and digits`);
  }
  return parts.join('_');
}

/** The options every table shares: snake_case columns, `created_at`/`updated_at`, utf8mb4 on MySQL. */
export function tableOptions(name: string, extra: Partial<ModelOptions> = {}): ModelOptions {
  return {
    tableName: name,
    underscored: true,
    timestamps: true,
    createdAt: 'created_at',
    updatedAt: 'updated_at',
    ...TABLE_CHARSET,
    ...extra,
  };
}
