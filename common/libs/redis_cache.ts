import { createClientPool } from 'redis';
import type { CacheStore } from './cache_store.js';
import { watchRedisPool } from './redis_watch.js';

export interface RedisCacheOptions {
  /** Per-command timeout: a stalled Redis must not stall a request. */
  commandTimeoutMs?: number;
  maxClients?: number;
}

const REPLACE_IF_EQUALS =
  "if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 else return 0 end";
const RELEASE_IF_EQUALS = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
// INCR, and an expiry on the key if it has none (the hit that created it, or one whose
// PEXPIRE was lost): the window is fixed from the first hit, later hits never extend it.
const INCR_WINDOW =
  "local n = redis.call('incr', KEYS[1]) local t = redis.call('pttl', KEYS[1]) if t < 0 then redis.call('pexpire', KEYS[1], ARGV[1]) t = tonumber(ARGV[1]) end return {n, t}";
const DECR_IF_PRESENT = "if redis.call('exists', KEYS[1]) == 1 then return redis.call('decr', KEYS[1]) else return 0 end";

/**
 * Redis through a node-redis client pool. Commands fail fast while Redis is unreachable
 * (no offline queue), so callers can fall back to the database instead of waiting.
 */
export class RedisCache implements CacheStore {
  readonly kind = 'redis' as const;
  private readonly pool;
  private readonly unwatch: () => void;

  constructor(url: string, opts: RedisCacheOptions = {}) {
    this.pool = createClientPool(
      {
        url,
        disableOfflineQueue: true,
        commandOptions: { timeout: opts.commandTimeoutMs ?? 1000 },
        socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
      },
      { minimum: 1, maximum: opts.maxClients ?? 8, acquireTimeout: opts.commandTimeoutMs ?? 1000 },
    );
    // Reconnection is automatic; errors surface on the commands that hit them, and the
    // server's state (down, back) is logged once per change.
    this.unwatch = watchRedisPool(this.pool, () => this.pool.ping(), url, 'cache');
  }

  async connect(): Promise<this> {
    await this.pool.connect();
    return this;
  }

  async get(key: string): Promise<string | null> {
    return (await this.pool.get(key)) as string | null;
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    if (ttlSeconds) await this.pool.set(key, value, { expiration: { type: 'EX', value: ttlSeconds } });
    else await this.pool.set(key, value);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const reply = await this.pool.set(key, value, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } });
    return reply === 'OK';
  }

  async replaceIfEquals(key: string, expected: string, value: string, ttlMs: number): Promise<boolean> {
    const replaced = await this.pool.eval(REPLACE_IF_EQUALS, { keys: [key], arguments: [expected, value, String(ttlMs)] });
    return replaced === 1;
  }

  async deleteIfEquals(key: string, value: string): Promise<boolean> {
    return (await this.pool.eval(RELEASE_IF_EQUALS, { keys: [key], arguments: [value] })) === 1;
  }

  async incrWindow(key: string, windowMs: number): Promise<{ count: number; resetMs: number }> {
    const [count, resetMs] = (await this.pool.eval(INCR_WINDOW, { keys: [key], arguments: [String(windowMs)] })) as [
      number,
      number,
    ];
    return { count, resetMs };
  }

  async decrIfPresent(key: string): Promise<void> {
    await this.pool.eval(DECR_IF_PRESENT, { keys: [key], arguments: [] });
  }

  async del(...keys: string[]): Promise<void> {
    if (keys.length) await this.pool.del(keys);
  }

  async ping(): Promise<void> {
    await this.pool.ping();
  }

  async close(): Promise<void> {
    this.unwatch();
    await this.pool.close();
  }
}
