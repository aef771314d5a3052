import { type CommandParser, createClient, defineScript } from 'redis';
import type { CacheStore } from './cache_store.js';
import { RedisStallWatchdog } from './redis_stall_watchdog.js';

export interface RedisCacheOptions {
  /** How long commands may go unanswered before the connection counts as stalled, in ms. */
  commandTimeoutMs?: number;
}

/** A script of `keys` (one key) then string arguments; node-redis sends EVALSHA, and EVAL after a NOSCRIPT. */
function oneKeyScript<R>(script: string) {
  return defineScript({
    SCRIPT: script,
    NUMBER_OF_KEYS: 1,
    parseCommand(parser: CommandParser, key: string, ...args: string[]) {
      parser.pushKey(key);
      parser.push(...args);
    },
    transformReply: undefined as unknown as () => R,
  });
}

const SCRIPTS = {
  replaceIfEquals: oneKeyScript<number>(
    "if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 else return 0 end",
  ),
  deleteIfEquals: oneKeyScript<number>(
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
  ),
  // INCR, and an expiry on the key if it has none (the hit that created it, or one whose
  // PEXPIRE was lost): the window is fixed from the first hit, later hits never extend it.
  incrWindow: oneKeyScript<[number, number]>(
    "local n = redis.call('incr', KEYS[1]) local t = redis.call('pttl', KEYS[1]) if t < 0 then redis.call('pexpire', KEYS[1], ARGV[1]) t = tonumber(ARGV[1]) end return {n, t}",
  ),
  decrIfPresent: oneKeyScript<number>(
    "if redis.call('exists', KEYS[1]) == 1 then return redis.call('decr', KEYS[1]) else return 0 end",
  ),
};

function openClient(url: string) {
  return createClient({
    url,
    scripts: SCRIPTS,
    disableOfflineQueue: true,
    commandOptions: { timeout: 0 }, // no AbortSignal per command: the stall watchdog bounds waits
    socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
  });
}

/**
 * Redis through one multiplexed node-redis client: concurrent commands share its connection
 * and are pipelined (the cache needs no blocking command nor transaction, the scripts are
 * atomic on their own). Commands fail fast while Redis is unreachable (no offline queue), and
 * fail after at most `commandTimeoutMs` (default 1000) plus a quarter of it while Redis
 * accepts them without answering (RedisStallWatchdog), so callers fall back to the database
 * instead of waiting.
 */
export class RedisCache implements CacheStore {
  readonly kind = 'redis' as const;
  private readonly conn: RedisStallWatchdog<ReturnType<typeof openClient>>;

  constructor(url: string, opts: RedisCacheOptions = {}) {
    // Reconnection is automatic; errors surface on the commands that hit them, and the
    // server's state (down, stalled, back) is logged once per change.
    this.conn = new RedisStallWatchdog(() => openClient(url), {
      url,
      member: 'cache',
      timeoutMs: opts.commandTimeoutMs ?? 1000,
    });
  }

  async connect(): Promise<this> {
    await this.conn.connect();
    return this;
  }

  // Each command: sent() before, settled() after, on the client live at the time of sending.

  async get(key: string): Promise<string | null> {
    const conn = this.conn;
    conn.sent();
    try {
      return await conn.client.get(key);
    } finally {
      conn.settled();
    }
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    const conn = this.conn;
    conn.sent();
    try {
      if (ttlSeconds) await conn.client.set(key, value, { expiration: { type: 'EX', value: ttlSeconds } });
      else await conn.client.set(key, value);
    } finally {
      conn.settled();
    }
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const conn = this.conn;
    conn.sent();
    try {
      const reply = await conn.client.set(key, value, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } });
      return reply === 'OK';
    } finally {
      conn.settled();
    }
  }

  async replaceIfEquals(key: string, expected: string, value: string, ttlMs: number): Promise<boolean> {
    const conn = this.conn;
    conn.sent();
    try {
      return (await conn.client.replaceIfEquals(key, expected, value, String(ttlMs))) === 1;
    } finally {
      conn.settled();
    }
  }

  async deleteIfEquals(key: string, value: string): Promise<boolean> {
    const conn = this.conn;
    conn.sent();
    try {
      return (await conn.client.deleteIfEquals(key, value)) === 1;
    } finally {
      conn.settled();
    }
  }

  async incrWindow(key: string, windowMs: number): Promise<{ count: number; resetMs: number }> {
    const conn = this.conn;
    conn.sent();
    try {
      const [count, resetMs] = await conn.client.incrWindow(key, String(windowMs));
      return { count, resetMs };
    } finally {
      conn.settled();
    }
  }

  async decrIfPresent(key: string): Promise<void> {
    const conn = this.conn;
    conn.sent();
    try {
      await conn.client.decrIfPresent(key);
    } finally {
      conn.settled();
    }
  }

  async del(...keys: string[]): Promise<void> {
    if (!keys.length) return;
    const conn = this.conn;
    conn.sent();
    try {
      await conn.client.del(keys);
    } finally {
      conn.settled();
    }
  }

  async ping(): Promise<void> {
    const conn = this.conn;
    conn.sent();
    try {
      await conn.client.ping();
    } finally {
      conn.settled();
    }
  }

  async close(): Promise<void> {
    await this.conn.close();
  }
}
