import fs from 'node:fs';
import path from 'node:path';
import { type ConnectionOptions, type Options, Sequelize } from 'sequelize';
import { routeReads } from './db_replicas.js';
import { watchDb } from './db_watch.js';
import { projectModuleUrl } from './project_root.js';

/** A model module named in MODEL_LIST or READ_MODELS: defines its models on one Sequelize instance. */
export interface ModelModule {
  init(sequelize: Sequelize): void;
  /** Connection name, `default` when absent. */
  DB_NAME?: string;
}

const dbs = new Map<string, Sequelize>();
const unwatch: (() => void)[] = [];

/** Connection pool of a MySQL/MariaDB connection (SQLite has none). */
export interface DbPoolOptions {
  /** Most connections open at once. */
  max?: number;
  /** How long a query waits for a free connection before failing as "database busy", in milliseconds. */
  acquireMs?: number;
}

type SqliteConnection = { configure(option: 'busyTimeout', ms: number): void };

/** The parts of a replica URL (`mysql://user:pass@host:port/db`) it names; the rest is the primary's. */
function replicaConnection(url: string): ConnectionOptions {
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const parts = {
    host: u.hostname,
    port: u.port || '3306',
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: u.pathname.length > 1 ? decodeURIComponent(u.pathname.slice(1)) : undefined,
  };
  return Object.fromEntries(Object.entries(parts).filter(([, v]) => v !== undefined));
}

/**
 * Builds a Sequelize instance from `sqlite:<file>` or `mysql://user:pass@host:port/db`.
 * `replicaUrls` (MySQL/MariaDB only) become Sequelize's `replication.read`; a replica URL's
 * missing user, password or database are the primary's.
 */
export function createSequelize(url: string, extra: Options = {}, replicaUrls: readonly string[] = []): Sequelize {
  const common: Options = { logging: false, ...extra };
  if (url.startsWith('sqlite:')) {
    if (replicaUrls.length) throw new Error('read replicas need a MySQL/MariaDB primary, not SQLite');
    const storage = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (storage !== ':memory:') fs.mkdirSync(path.dirname(storage), { recursive: true });
    const sequelize = new Sequelize({ ...common, dialect: 'sqlite', storage });
    // Several processes may write one file: wait for the lock instead of failing at once.
    // Sequelize opens SQLite connections itself (a new one per transaction) without running
    // its connect hooks, so each connection is configured as it is handed out.
    const manager = sequelize.connectionManager as unknown as { getConnection(opts?: object): Promise<SqliteConnection> };
    const open = manager.getConnection.bind(manager);
    manager.getConnection = async function busyTimeoutConnection(opts) {
      const conn = await open(opts);
      conn.configure('busyTimeout', 5000);
      return conn;
    };
    return sequelize;
  }
  if (replicaUrls.length) common.replication = { read: replicaUrls.map(replicaConnection), write: {} };
  return new Sequelize(url.replace(/^mariadb:/, 'mysql:'), {
    ...common,
    dialect: 'mysql',
    timezone: '+00:00',
    pool: { max: 10, min: 0, acquire: 5000, idle: 10_000, ...extra.pool },
    // BIGINT ids come back as JS numbers (exact up to 2^53 - 1), as SQLite's do; Sequelize's default, made explicit.
    dialectOptions: { connectTimeout: 5000, supportBigNumbers: true, bigNumberStrings: false },
  });
}

/**
 * Opens every named connection and defines the given models (a service's MODEL_LIST and
 * READ_MODELS). Tables are made by migrations: launchers call `bootDbs` (db_boot.ts).
 * A connection with `replicas` (DB_REPLICAS) reads from them only where a query opts in
 * with `MAY_LAG` (see `routeReads`).
 */
export async function registerDbs(
  urls: Record<string, string>,
  modelList: readonly string[],
  pool: DbPoolOptions = {},
  replicas: Readonly<Record<string, readonly string[]>> = {},
) {
  const extra: Options = { pool: { max: pool.max ?? 10, acquire: pool.acquireMs ?? 5000 } };
  for (const [name, url] of Object.entries(urls)) {
    const replicaUrls = replicas[name] ?? [];
    const sequelize = createSequelize(url, url.startsWith('sqlite:') ? {} : extra, replicaUrls);
    // Routing first: the watch then sees only the primary's failures, not a replica's.
    if (replicaUrls.length) unwatch.push(routeReads(name, sequelize));
    unwatch.push(watchDb(name, sequelize));
    dbs.set(name, sequelize);
  }
  for (const modulePath of modelList) {
    const mod = (await import(projectModuleUrl(modulePath))) as ModelModule;
    mod.init(db(mod.DB_NAME ?? 'default'));
  }
  for (const sequelize of dbs.values()) {
    await sequelize.authenticate();
    if (sequelize.getDialect() === 'sqlite') await sequelize.query('PRAGMA journal_mode=WAL');
  }
}

export function db(name = 'default'): Sequelize {
  const sequelize = dbs.get(name);
  if (!sequelize) throw new Error(`database "${name}" is not registered`);
  return sequelize;
}

/** Every registered connection by name. */
export function registeredDbs(): ReadonlyMap<string, Sequelize> {
  return dbs;
}

/** `SELECT 1` on every primary (a replica down does not make the service unready). */
export async function pingDbs(): Promise<void> {
  await Promise.all([...dbs.values()].map((s) => s.query('SELECT 1')));
}

export async function closeDbs(): Promise<void> {
  for (const stop of unwatch.splice(0)) stop();
  await Promise.all([...dbs.values()].map((s) => s.close()));
  dbs.clear();
}
