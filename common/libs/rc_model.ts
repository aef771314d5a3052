import { randomBytes } from 'node:crypto';
import { cache } from './cache_registry.js';
import type { CacheStore } from './cache_store.js';
import { warnThrottled } from './service_log.js';

// What `invalidate` writes in place of a value: "changed, ask the database", plus a random
// tag so a fill can tell whether another write marked the key since. Never valid JSON.
const STALE = '\u0000stale:';
const isStale = (raw: string) => raw.startsWith(STALE);

/**
 * Cache model base: one key family `<PREFIX>:<id>` holding JSON, with a TTL.
 * Every method survives a cache outage: reads fall back to the loader, writes and
 * invalidations are skipped (the TTL bounds any staleness) and a warning is logged.
 *
 * A fill can never put back a value older than an invalidation: `invalidate` writes a fresh
 * stale marker (kept `staleTtlSeconds`) instead of deleting, and `getOrLoad` fills an absent
 * key only if still absent (SET NX), and a marked key only if it still holds the marker it
 * read before loading (compare-and-set). A reader that loaded the row before a change finds
 * the key changed by the writer's `invalidate` and stores nothing.
 */
export abstract class RcModel<T> {
  protected abstract readonly prefix: string;
  protected readonly ttlSeconds: number = 3600;
  /** How long an invalidation keeps fills out; longer than any load takes. */
  protected readonly staleTtlSeconds: number = 60;
  protected readonly cacheName: string = 'default';

  protected key(id: string | number): string {
    return `${this.prefix}:${id}`;
  }

  protected get store(): CacheStore {
    return cache(this.cacheName);
  }

  /** The cached value; `undefined` when absent, invalidated or the cache is unreachable. */
  get(id: string | number): Promise<T | undefined> {
    return this.raw(id).then((raw) => (typeof raw === 'string' && !isStale(raw) ? (JSON.parse(raw) as T) : undefined));
  }

  /**
   * The stored string, null when absent, undefined when the cache is unreachable. A promise
   * chain, not an async function: it runs on every cached read (two per authenticated request).
   */
  private raw(id: string | number): Promise<string | null | undefined> {
    try {
      return this.store.get(this.key(id)).catch(this.unreadable);
    } catch (err) {
      return Promise.resolve(this.unreadable(err));
    }
  }

  private readonly unreadable = (err: unknown): undefined => {
    this.warn('read', err);
    return undefined;
  };

  async put(id: string | number, value: T, ttlSeconds = this.ttlSeconds): Promise<void> {
    try {
      await this.store.set(this.key(id), JSON.stringify(value), ttlSeconds);
    } catch (err) {
      this.warn('write', err);
    }
  }

  /** Stores `value` unless the key holds anything (a value or an invalidation); true when stored. */
  async putIfAbsent(id: string | number, value: T, ttlSeconds = this.ttlSeconds): Promise<boolean> {
    try {
      return await this.store.setIfAbsent(this.key(id), JSON.stringify(value), ttlSeconds * 1000);
    } catch (err) {
      this.warn('write', err);
      return false;
    }
  }

  /** Call after the change is committed: readers go to the database for `staleTtlSeconds`. */
  async invalidate(...ids: (string | number)[]): Promise<void> {
    if (!ids.length) return;
    try {
      const marker = STALE + randomBytes(8).toString('hex');
      await Promise.all(ids.map((id) => this.store.set(this.key(id), marker, this.staleTtlSeconds)));
    } catch (err) {
      this.warn('invalidate', err);
    }
  }

  /**
   * Cached value, else `load(id)`; a found value is cached unless the key changed while loading
   * (the load starts after the read, so it is at least as new as the write that marked it).
   * `load` takes the id so a hot caller can pass one function made at start-up, not a closure.
   */
  async getOrLoad<I extends string | number>(id: I, load: (id: I) => Promise<T | null>): Promise<T | null> {
    const raw = await this.raw(id);
    if (typeof raw === 'string' && !isStale(raw)) return JSON.parse(raw) as T;
    const value = await load(id);
    if (value === null || raw === undefined) return value;
    if (raw === null) await this.putIfAbsent(id, value);
    else await this.replaceMarker(id, raw, value);
    return value;
  }

  private async replaceMarker(id: string | number, marker: string, value: T): Promise<void> {
    try {
      await this.store.replaceIfEquals(this.key(id), marker, JSON.stringify(value), this.ttlSeconds * 1000);
    } catch (err) {
      this.warn('write', err);
    }
  }

  private warn(action: string, err: unknown): void {
    warnThrottled(`cache:${this.prefix}:${action}`, `cache ${action} failed for ${this.prefix}, using the database`, {
      error: (err as Error).message,
    });
  }
}
