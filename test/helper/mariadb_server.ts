import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { freePort } from './ports.js';

const run = promisify(execFile);

/** Why private MariaDB servers cannot be started here (a binary missing), or undefined when they can. */
export function mariadbMissing(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(':');
  for (const bin of ['mariadbd', 'mariadb-install-db']) {
    if (!dirs.some((dir) => fs.existsSync(path.join(dir, bin)))) return `${bin} is not installed`;
  }
  return undefined;
}

/** `mariadb-install-db` into `dataDir` (a few seconds); copy the result for more servers. */
export async function installMariadbData(dataDir: string): Promise<void> {
  await run('mariadb-install-db', [
    '--no-defaults',
    `--datadir=${dataDir}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    '--skip-name-resolve',
  ]);
}

/**
 * A private `mariadbd` on a free port with its own data directory, binary log and GTID
 * strict mode, for topology tests (the machine's server on 3306 is never touched). No
 * grant tables: any user connects as root.
 */
export class MariadbServer {
  port = 0;
  private proc: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly dataDir: string,
    readonly serverId: number,
  ) {}

  /** `mysql://root@127.0.0.1:<port>` plus `/<db>` when given. */
  url(db?: string): string {
    return `mysql://root@127.0.0.1:${this.port}${db ? `/${db}` : ''}`;
  }

  /** Starts it (on the same port after a `kill`) and waits until it answers SQL. */
  async start(): Promise<this> {
    this.port ||= await freePort();
    const dir = path.dirname(this.dataDir);
    const tag = `s${this.serverId}`;
    const log = fs.openSync(path.join(dir, `${tag}.log`), 'a');
    this.proc = spawn(
      'mariadbd',
      [
        '--no-defaults',
        `--user=${os.userInfo().username}`,
        `--datadir=${this.dataDir}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        `--socket=${path.join(dir, `${tag}.sock`)}`,
        `--pid-file=${path.join(dir, `${tag}.pid`)}`,
        `--server-id=${this.serverId}`,
        `--log-bin=${path.join(dir, `${tag}-bin`)}`,
        `--relay-log=${path.join(dir, `${tag}-relay`)}`,
        '--gtid-strict-mode=1',
        '--skip-grant-tables',
        '--skip-name-resolve',
        '--innodb-buffer-pool-size=16M',
      ],
      { stdio: ['ignore', log, log] },
    );
    fs.closeSync(log);
    const proc = this.proc;
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`mariadbd ${tag} exited with ${proc.exitCode}; see ${dir}/${tag}.log`);
      try {
        await this.query('SELECT 1');
        break;
      } catch (err) {
        if (Date.now() > deadline)
          throw new Error(`mariadbd ${tag} does not answer on port ${this.port}: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return this;
  }

  /** One statement on a fresh connection (no pool to go stale across a kill). */
  async query<T = unknown>(sql: string): Promise<T> {
    const conn = await mysql.createConnection({ uri: this.url(), connectTimeout: 2000, multipleStatements: true });
    try {
      const [rows] = await conn.query(sql);
      return rows as T;
    } finally {
      await conn.end();
    }
  }

  /** A global status counter, e.g. `Com_select`. */
  async status(name: string): Promise<number> {
    const rows = await this.query<{ Value: string }[]>(`SHOW GLOBAL STATUS LIKE '${name}'`);
    return Number(rows[0]?.Value ?? Number.NaN);
  }

  /** Kills it hard, like a crash. */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGKILL');
    await this.exited;
  }

  /** A clean shutdown (SIGTERM). */
  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    await this.exited;
  }
}
