import type { RunCoordinator } from 'node-cron';
import { cache } from './cache_registry.js';
import { warnThrottled } from './service_log.js';

/**
 * node-cron 4 asks `shouldRun(key, ttlMs)` once per tick, with `key` = `<task name>:<tick ISO
 * time>`: the same on every instance, whatever its clock drift. The tick only needs to stay
 * leased until the last instance has considered it, which node-cron does within its 1 s
 * missed-execution tolerance; a minute leaves room for drift and a stalled event loop.
 */
export const LEASE_MS = 60_000;

/**
 * Leases each tick with SET NX PX on the default cache: on a shared Redis one instance wins
 * it; on the in-process cache every process wins its own (run locally). When the cache
 * cannot answer, the tick runs here: a clean-up run twice is better than one never run.
 * The lease is not released when the run ends, so a late instance cannot run the tick again.
 */
export function cronLease(holder: string): RunCoordinator {
  return {
    async shouldRun(key, ttlMs) {
      try {
        return await cache().setIfAbsent(`cron_lease:${key}`, holder, ttlMs);
      } catch (err) {
        warnThrottled('cron_lease', `script lease unavailable, running ${key} here: ${(err as Error).message}`);
        return true;
      }
    },
  };
}
