/**
 * How text compares, the same on every back end. Identifiers (usernames, room names, token
 * hashes, enum keys) compare byte for byte: case, accents and trailing spaces count. SQLite
 * does that by default (BINARY); MySQL/MariaDB need a binary NO PAD collation, declared
 * here and carried into migrations by the migration engine (MySQL 8 spells it
 * `utf8mb4_0900_bin`, see `common/libs/migrate/collation.ts`).
 */
export const IDENTIFIER_COLLATE = 'utf8mb4_nopad_bin';

/** Every table is utf8mb4 (any Unicode text, emoji included) whatever the database's default. */
export const TABLE_CHARSET = { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' } as const;

/** A column attribute marked as an identifier: `username: identifier({ type: DataTypes.STRING(64) })`. */
export function identifier<T extends object>(attr: T): T {
  return { ...attr, collate: IDENTIFIER_COLLATE };
}
