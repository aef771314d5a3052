import type { Sequelize } from 'sequelize';

/**
 * Collations as snapshots spell them (MariaDB names) and as a server needs them. The one
 * that differs: `utf8mb4_nopad_bin` (byte order, NO PAD: `'a '` differs from `'a'`) is
 * MariaDB's; MySQL 8 has no such name and spells the same rule `utf8mb4_0900_bin`
 * (MySQL's `utf8mb4_bin` is PAD SPACE, so it would not do).
 */
const MYSQL_NAME: Record<string, string> = { utf8mb4_nopad_bin: 'utf8mb4_0900_bin' };

const mariaDb = new WeakMap<Sequelize, Promise<boolean>>();

/** Whether the server is MariaDB (rather than MySQL), asked once per connection pool. */
function isMariaDb(sequelize: Sequelize): Promise<boolean> {
  let known = mariaDb.get(sequelize);
  if (!known) {
    known = sequelize.query('SELECT VERSION() AS v', { plain: true }).then((row) => /mariadb/i.test(String(row?.v)));
    mariaDb.set(sequelize, known);
  }
  return known;
}

/** The name this server knows `collate` by. */
export async function serverCollation(sequelize: Sequelize, collate: string): Promise<string> {
  return (await isMariaDb(sequelize)) ? collate : (MYSQL_NAME[collate] ?? collate);
}

/** The character set a collation belongs to (`utf8mb4_nopad_bin` -> `utf8mb4`). */
export function charsetOf(collate: string): string {
  return collate.split('_')[0]!;
}
