import { cache } from './cache_registry.js';
import type { CacheStore } from './cache_store.js';
import { warnThrottled } from './service_log.js';

/**
 * Cache model base: one key family `<PREFIX>:<id>` holding JSON, with a TTL.
 * Every method survives a cache outage: reads fall back to the loader, writes and
 * invalidations are skipped (the TTL bounds any staleness) and a warning is logged.
 */
export abstract class RcModel<T> {
  protected abstract readonly prefix: string;
  protected readonly ttlSeconds: number = 3600;
  protected readonly cacheName: string = 'default';

  protected key(id: string | number): string {
    return `${this.prefix}:${id}`;
  }

  protected get store(): CacheStore {
    return cache(this.cacheName);
  }

  /** The cached value; `undefined` when absent or the cache is unreachable. */
  async get(id: string | number): Promise<T | undefined> {
    try {
      const raw = await this.store.get(this.key(id));
      return raw === null ? undefined : (JSON.parse(raw) as T);
    } catch (err) {
      this.warn('read', err);
      return undefined;
    }
  }

  async put(id: string | number, value: T, ttlSeconds = this.ttlSeconds): Promise<void> {
    try {
      await this.store.set(this.key(id), JSON.stringify(value), ttlSeconds);
    } catch (err) {
      this.warn('write', err);
    }
  }

  async invalidate(...ids: (string | number)[]): Promise<void> {
    if (!ids.length) return;
    try {
      await this.store.del(...ids.map((id) => this.key(id)));
    } catch (err) {
      this.warn('invalidate', err);
    }
  }

  /** Cached value, else `load()` (then cached when found). */
  async getOrLoad(id: string | number, load: () => Promise<T | null>): Promise<T | null> {
    const hit = await this.get(id);
    if (hit !== undefined) return hit;
    const value = await load();
    if (value !== null) await this.put(id, value);
    return value;
  }

  private warn(action: string, err: unknown): void {
    warnThrottled(`cache:${this.prefix}:${action}`, `cache ${action} failed for ${this.prefix}, using the database`, {
      error: (err as Error).message,
    });
  }
}
