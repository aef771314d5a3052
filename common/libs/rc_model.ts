import { cache } from './cache_registry.js';
import type { CacheStore } from './cache_store.js';
import { warnThrottled } from './service_log.js';

// What `invalidate` writes in place of a value: "changed, ask the database". Never valid JSON.
const STALE = '\u0000stale';

/**
 * Cache model base: one key family `<PREFIX>:<id>` holding JSON, with a TTL.
 * Every method survives a cache outage: reads fall back to the loader, writes and
 * invalidations are skipped (the TTL bounds any staleness) and a warning is logged.
 *
 * A fill can never put back a value older than an invalidation: `invalidate` writes a
 * stale marker (kept `staleTtlSeconds`) instead of deleting, and `getOrLoad` fills only
 * an absent key (SET NX). A reader that loaded the row before a change and fills after the
 * writer's `invalidate` finds the marker and stores nothing.
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
  async get(id: string | number): Promise<T | undefined> {
    const raw = await this.raw(id);
    return typeof raw === 'string' && raw !== STALE ? (JSON.parse(raw) as T) : undefined;
  }

  /** The stored string, null when absent, undefined when the cache is unreachable. */
  private async raw(id: string | number): Promise<string | null | undefined> {
    try {
      return await this.store.get(this.key(id));
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
      await Promise.all(ids.map((id) => this.store.set(this.key(id), STALE, this.staleTtlSeconds)));
    } catch (err) {
      this.warn('invalidate', err);
    }
  }

  /** Cached value, else `load()`, cached when found and the key was absent (not invalidated) before. */
  async getOrLoad(id: string | number, load: () => Promise<T | null>): Promise<T | null> {
    const raw = await this.raw(id);
    if (typeof raw === 'string' && raw !== STALE) return JSON.parse(raw) as T;
    const value = await load();
    if (value !== null && raw === null) await this.putIfAbsent(id, value);
    return value;
  }

  private warn(action: string, err: unknown): void {
    warnThrottled(`cache:${this.prefix}:${action}`, `cache ${action} failed for ${this.prefix}, using the database`, {
      error: (err as Error).message,
    });
  }
}
