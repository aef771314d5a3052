import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { RedisServer } from './redis_server.js';

/** Where a suite's service keeps its data: the embedded default, or MariaDB + Redis. */
export interface Backend {
  name: 'sqlite' | 'mysql';
  /** DB_URL and REDIS_URL for the launcher. */
  env: Record<string, string>;
  redis?: RedisServer;
  teardown(): Promise<void>;
}

export const BACKEND_NAMES = ['sqlite', 'mysql'] as const;
const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export const REQUIRE_SERVICES = process.env.REQUIRE_SERVICES === '1';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `gh-${prefix}-`));
}

async function sqliteBackend(): Promise<Backend> {
  const dir = tempDir('sqlite');
  return {
    name: 'sqlite',
    env: { DB_URL: `sqlite:${dir}/data.sqlite`, REDIS_URL: '' },
    async teardown() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh, empty database on the machine's MariaDB: its URL, and `drop()` to remove it. */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const dbName = `gh_test_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection(MYSQL_URL);
  await admin.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4`);
  await admin.end();
  return {
    url: `${MYSQL_URL.replace(/\/$/, '')}/${dbName}`,
    async drop() {
      const conn = await mysql.createConnection(MYSQL_URL);
      await conn.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
      await conn.end();
    },
  };
}

/** A fresh database on the machine's MariaDB and a private redis-server. */
async function mysqlBackend(): Promise<Backend> {
  const db = await freshDatabase();
  const redis = await new RedisServer().start();
  return {
    name: 'mysql',
    env: { DB_URL: db.url, REDIS_URL: redis.url },
    redis,
    async teardown() {
      await redis.kill();
      await db.drop();
    },
  };
}

/** Why MariaDB/Redis cannot be used here, or undefined when they can. */
export async function servicesMissing(): Promise<string | undefined> {
  try {
    const conn = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 2000 });
    await conn.end();
  } catch (err) {
    return `MariaDB at ${MYSQL_URL}: ${(err as Error).message}`;
  }
  const found = process.env.PATH?.split(':').some((dir) => fs.existsSync(path.join(dir, 'redis-server')));
  return found ? undefined : 'redis-server is not installed';
}

/**
 * In a `before` hook of a suite that needs MariaDB/Redis: skips the suite when they are
 * missing, or fails it when REQUIRE_SERVICES=1 (CI).
 */
export async function needServices(hook: Mocha.Context): Promise<void> {
  const missing = await servicesMissing();
  if (missing && REQUIRE_SERVICES) throw new Error(`REQUIRE_SERVICES=1 but ${missing}`);
  if (missing) hook.skip();
}

export function openBackend(name: Backend['name']): Promise<Backend> {
  return name === 'sqlite' ? sqliteBackend() : mysqlBackend();
}
