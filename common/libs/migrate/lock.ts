import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueryTypes, type Sequelize } from 'sequelize';
import { MigrateError } from './migrate_error.js';

export interface LockOptions {
  /** What is locked, e.g. the record table's name; one lock per service and database. */
  name: string;
  /** How long to wait for another holder, in milliseconds. */
  timeoutMs: number;
  /** Called once when the lock is busy and waiting starts. */
  onWait?: () => void;
}

export interface MigrationLock {
  release(): Promise<void>;
}

/**
 * The lock that keeps two processes from migrating one database at once. MySQL/MariaDB:
 * `GET_LOCK` on a connection held by an open transaction (released by the server if the
 * process dies). SQLite: a lease row in `<name>_lock`, renewed while held and taken over
 * once expired (at once when its holder was a process of this host that is gone), so a
 * crashed holder blocks others for at most the lease time.
 */
export function acquireLock(sequelize: Sequelize, opts: LockOptions): Promise<MigrationLock> {
  return sequelize.getDialect() === 'sqlite' ? leaseLock(sequelize, opts) : serverLock(sequelize, opts);
}

async function serverLock(sequelize: Sequelize, opts: LockOptions): Promise<MigrationLock> {
  let key = `gatehouse.${sequelize.config.database}.${opts.name}`;
  if (key.length > 64) key = `gatehouse.${createHash('sha1').update(key).digest('hex')}`;
  const t = await sequelize.transaction();
  const ask = (sql: string, args: unknown[]) =>
    sequelize.query(sql, { replacements: args, transaction: t, type: QueryTypes.SELECT }) as Promise<{ got: number | null }[]>;
  const [now] = await ask('SELECT GET_LOCK(?, 0) AS got', [key]);
  let got = now?.got;
  if (got !== 1) {
    opts.onWait?.();
    const [later] = await ask('SELECT GET_LOCK(?, ?) AS got', [key, Math.ceil(opts.timeoutMs / 1000)]);
    got = later?.got;
  }
  if (got !== 1) {
    await t.rollback();
    throw new MigrateError(`migration lock ${key}: still held by another process after ${opts.timeoutMs} ms`);
  }
  return {
    async release() {
      await ask('SELECT RELEASE_LOCK(?) AS got', [key]);
      await t.commit();
    },
  };
}

const LEASE_MS = 60_000;

async function leaseLock(sequelize: Sequelize, opts: LockOptions): Promise<MigrationLock> {
  const table = `"${opts.name}_lock"`;
  const owner = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const run = (sql: string, args: unknown[] = []) => sequelize.query(sql, { replacements: args });
  await run(`CREATE TABLE IF NOT EXISTS ${table} (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL)`);
  const started = Date.now();
  let told = false;
  const tell = () => {
    if (!told) opts.onWait?.();
    told = true;
  };
  for (;;) {
    if (await takeLease(sequelize, table, opts.name, owner)) break;
    tell();
    if (Date.now() > started + opts.timeoutMs)
      throw new MigrateError(`migration lock ${opts.name}: still held after ${opts.timeoutMs} ms`);
    await sleep(150 + Math.random() * 100);
  }
  // Blocked behind another process's migration transaction (SQLite's busy wait) was waiting too.
  if (Date.now() - started > 500) tell();
  const renew = setInterval(() => {
    const args = [Date.now() + LEASE_MS, opts.name, owner];
    run(`UPDATE ${table} SET expires_at = ? WHERE name = ? AND owner = ?`, args).catch(() => {});
  }, LEASE_MS / 4);
  renew.unref();
  return {
    async release() {
      clearInterval(renew);
      await run(`DELETE FROM ${table} WHERE name = ? AND owner = ?`, [opts.name, owner]);
    },
  };
}

/** One try: clears an expired lease, inserts ours unless one is there, and tells whether ours is. */
async function takeLease(sequelize: Sequelize, table: string, name: string, owner: string): Promise<boolean> {
  const run = (sql: string, args: unknown[]) => sequelize.query(sql, { replacements: args });
  try {
    await run(`DELETE FROM ${table} WHERE name = ? AND expires_at < ?`, [name, Date.now()]);
    await dropDeadLocalHolder(sequelize, table, name);
    await run(`INSERT OR IGNORE INTO ${table} (name, owner, expires_at) VALUES (?, ?, ?)`, [name, owner, Date.now() + LEASE_MS]);
    const rows = (await sequelize.query(`SELECT owner FROM ${table} WHERE name = ?`, {
      replacements: [name],
      type: QueryTypes.SELECT,
    })) as { owner: string }[];
    return rows[0]?.owner === owner;
  } catch (err) {
    // Another process is writing (a migration holds the database) for longer than the busy timeout.
    if (/SQLITE_BUSY|database is locked/.test(String((err as Error).message))) return false;
    throw err;
  }
}

/** A lease held by a process of this host that is gone (killed) is taken over at once, not after it expires. */
async function dropDeadLocalHolder(sequelize: Sequelize, table: string, name: string): Promise<void> {
  const rows = (await sequelize.query(`SELECT owner FROM ${table} WHERE name = ?`, {
    replacements: [name],
    type: QueryTypes.SELECT,
  })) as { owner: string }[];
  const owner = rows[0]?.owner;
  const [host, pid] = owner?.split(':') ?? [];
  if (!owner || host !== os.hostname() || processAlive(Number(pid))) return;
  await sequelize.query(`DELETE FROM ${table} WHERE name = ? AND owner = ?`, { replacements: [name, owner] });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
