import { type CommandParser, createClient, createSentinel, defineScript } from 'redis';
import type { CacheStore, LeaseOutcome } from './cache_store.js';
import { RedisSentinelLink, type SentinelClient, sentinelOptions } from './redis_sentinel_link.js';
import { isSentinelUrl } from './redis_sentinel_url.js';
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

type CacheClient = ReturnType<typeof openClient>;

/**
 * Redis through one multiplexed node-redis client: concurrent commands share its connection
 * and are pipelined (the cache needs no blocking command nor transaction, the scripts are
 * atomic on their own). Commands fail fast while Redis is unreachable (no offline queue), and
 * fail after at most `commandTimeoutMs` (default 1000) plus a quarter of it while Redis
 * accepts them without answering (RedisStallWatchdog), so callers fall back to the database
 * instead of waiting. A `redis-sentinel://` URL puts the same commands on the Sentinel set's
 * primary (RedisSentinelLink): they fail fast while a failover has no primary yet.
 */
export class RedisCache implements CacheStore {
  readonly kind = 'redis' as const;
  readonly replicated: boolean;
  private readonly conn: RedisStallWatchdog<CacheClient> | RedisSentinelLink<CacheClient>;

  constructor(url: string, opts: RedisCacheOptions = {}) {
    const timeoutMs = opts.commandTimeoutMs ?? 1000;
    this.replicated = isSentinelUrl(url);
    // Reconnection is automatic; errors surface on the commands that hit them, and the
    // server's state (down, stalled, back) is logged once per change.
    this.conn = this.replicated
      ? new RedisSentinelLink<CacheClient>(
          () => createSentinel({ ...sentinelOptions(url, { dedicated: true }), scripts: SCRIPTS }) as unknown as SentinelClient,
          { url, member: 'cache', timeoutMs },
        )
      : new RedisStallWatchdog(() => openClient(url), { url, member: 'cache', timeoutMs });
  }

  async connect(): Promise<this> {
    await this.conn.connect();
    return this;
  }

  get(key: string): Promise<string | null> {
    return this.conn.run((c) => c.get(key));
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    await this.conn.run((c) =>
      ttlSeconds ? c.set(key, value, { expiration: { type: 'EX', value: ttlSeconds } }) : c.set(key, value),
    );
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const reply = await this.conn.run((c) => c.set(key, value, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } }));
    return reply === 'OK';
  }

  /** On a Sentinel set: SET NX PX then `WAIT 1 ackMs`, both on the pool's dedicated connection. */
  async leaseIfAbsent(key: string, value: string, ttlMs: number, ackMs: number): Promise<LeaseOutcome> {
    const conn = this.conn;
    if (!(conn instanceof RedisSentinelLink)) return (await this.setIfAbsent(key, value, ttlMs)) ? 'taken' : 'held';
    return conn.runAlone(async (c) => {
      const reply = await c.set(key, value, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } });
      if (reply !== 'OK') return 'held';
      return (await c.wait(1, ackMs)) >= 1 ? 'taken' : 'unreplicated';
    });
  }

  async replaceIfEquals(key: string, expected: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.conn.run((c) => c.replaceIfEquals(key, expected, value, String(ttlMs)))) === 1;
  }

  async deleteIfEquals(key: string, value: string): Promise<boolean> {
    return (await this.conn.run((c) => c.deleteIfEquals(key, value))) === 1;
  }

  async incrWindow(key: string, windowMs: number): Promise<{ count: number; resetMs: number }> {
    const [count, resetMs] = await this.conn.run((c) => c.incrWindow(key, String(windowMs)));
    return { count, resetMs };
  }

  async decrIfPresent(key: string): Promise<void> {
    await this.conn.run((c) => c.decrIfPresent(key));
  }

  async del(...keys: string[]): Promise<void> {
    if (!keys.length) return;
    await this.conn.run((c) => c.del(keys));
  }

  async ping(): Promise<void> {
    await this.conn.run((c) => c.ping());
  }

  async close(): Promise<void> {
    await this.conn.close();
  }
}
