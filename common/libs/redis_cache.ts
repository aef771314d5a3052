import { createClientPool } from 'redis';
import type { CacheStore } from './cache_store.js';

export interface RedisCacheOptions {
  /** Per-command timeout: a stalled Redis must not stall a request. */
  commandTimeoutMs?: number;
  maxClients?: number;
}

const REPLACE_IF_EQUALS =
  "if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 else return 0 end";
const RELEASE_IF_EQUALS = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * Redis through a node-redis client pool. Commands fail fast while Redis is unreachable
 * (no offline queue), so callers can fall back to the database instead of waiting.
 */
export class RedisCache implements CacheStore {
  readonly kind = 'redis' as const;
  private readonly pool;

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
    // Reconnection is automatic; errors surface on the commands that hit them.
    this.pool.on('error', () => {});
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

  async del(...keys: string[]): Promise<void> {
    if (keys.length) await this.pool.del(keys);
  }

  async ping(): Promise<void> {
    await this.pool.ping();
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
