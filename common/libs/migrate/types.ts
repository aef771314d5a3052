/**
 * The model snapshot kept in every migration file: plain data, so it diffs without a
 * database and reads well in review. Column keys are database column names; `type` is
 * the canonical text of a Sequelize data type (`STRING(64)`, `INTEGER.UNSIGNED`, see
 * `type_spec.ts`).
 */
export type Snapshot = Record<string, TableSpec>;

export interface TableSpec {
  columns: Record<string, ColumnSpec>;
  /** Indexes declared on the model; a column's `unique: true` is kept on the column. */
  indexes: IndexSpec[];
  /** MySQL/MariaDB table character set and default collation (SQLite has neither; absent: the database's). */
  charset?: string;
  collate?: string;
}

/** The table options a `createTable` step carries. */
export interface TableOptionsSpec {
  charset?: string;
  collate?: string;
}

/** A database default: a scalar, raw SQL, or a point in time (ISO text). */
export type DefaultSpec = string | number | boolean | null | { literal: string } | { date: string };

export interface ColumnSpec {
  type: string;
  allowNull: boolean;
  primaryKey?: boolean;
  autoIncrement?: boolean;
  /** Kept as a unique index named `<table>_<column>_unique` (Sequelize's own name for it). */
  unique?: boolean;
  defaultValue?: DefaultSpec;
  comment?: string;
  references?: ReferenceSpec;
  /**
   * A text column's own collation (MySQL/MariaDB; see `collation.ts` for MySQL 8's name).
   * SQLite compares text byte for byte already, so there it changes nothing.
   */
  collate?: string;
}

export interface ReferenceSpec {
  table: string;
  key: string;
  onDelete?: string;
  onUpdate?: string;
}

export interface IndexField {
  name: string;
  order?: 'ASC' | 'DESC';
  length?: number;
}

export interface IndexSpec {
  name: string;
  fields: (string | IndexField)[];
  unique?: boolean;
  type?: 'FULLTEXT' | 'SPATIAL';
}

/** What a migration file exports. `up`/`down` receive the `MigrationContext` of `context.ts`. */
export interface MigrationModule<Ctx = unknown> {
  snapshot: Snapshot;
  up(m: Ctx): Promise<void>;
  down(m: Ctx): Promise<void>;
}
