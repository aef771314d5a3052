import { cache } from '../libs/cache_registry.js';
import type { CacheStore } from '../libs/cache_store.js';
import { MemoryCache } from '../libs/memory_cache.js';
import { warnThrottled } from '../libs/service_log.js';

export interface WindowLimitOptions {
  /** Key prefix: the table-ish name of what is counted (`sys_guard_login_ip`). */
  prefix: string;
  /** Hits allowed per window; read at every hit, so a reloaded config applies at once. */
  limit: () => number;
  /** Window length in seconds, fixed from the first hit (read like `limit`). */
  windowSeconds: () => number;
  /** The registered cache holding the counters (default `default`). */
  cacheName?: string;
}

export interface WindowVerdict {
  ok: boolean;
  /** Hits in the window, this one included. */
  count: number;
  /** Seconds until the window ends (at least 1): the `Retry-After` of a refusal. */
  retryAfter: number;
}

/**
 * A fixed-window counter per id, `<prefix>:<id>` -> hits, expiring at the window's end. On
 * Redis every instance shares it; on the embedded default it lives in the process. While
 * the shared cache is unreachable it counts in the process (a warning is logged), so an
 * outage neither opens the limit wide nor turns every caller away.
 */
export class WindowLimit {
  private readonly local = new MemoryCache();

  constructor(private readonly opts: WindowLimitOptions) {}

  /** Counts a hit for `id`; `ok` is false once the window holds more than `limit` hits. */
  async take(id: string): Promise<WindowVerdict> {
    const key = `${this.opts.prefix}:${id}`;
    const windowMs = this.opts.windowSeconds() * 1000;
    const { count, resetMs } = await this.use((store) => store.incrWindow(key, windowMs));
    return { ok: count <= this.opts.limit(), count, retryAfter: Math.max(1, Math.ceil(resetMs / 1000)) };
  }

  /** Takes back a hit of `id` that turned out not to count (a login that succeeded). */
  async giveBack(id: string): Promise<void> {
    await this.use((store) => store.decrIfPresent(`${this.opts.prefix}:${id}`));
  }

  private async use<T>(run: (store: CacheStore) => Promise<T>): Promise<T> {
    const shared = cache(this.opts.cacheName);
    if (shared.kind === 'memory') return run(shared);
    try {
      return await run(shared);
    } catch (err) {
      warnThrottled(`limit:${this.opts.prefix}`, `cache unreachable, ${this.opts.prefix} counts in this process`, {
        error: (err as Error).message,
      });
      return run(this.local);
    }
  }
}
