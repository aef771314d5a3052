import type { RunCoordinator } from 'node-cron';
import { cache } from './cache_registry.js';
import { serviceLog, warnThrottled } from './service_log.js';

/**
 * node-cron 4 asks `shouldRun(key, ttlMs)` once per tick, with `key` = `<task name>:<tick ISO
 * time>`: the same on every instance, whatever its clock drift. The tick only needs to stay
 * leased until the last instance has considered it, which node-cron does within its 1 s
 * missed-execution tolerance; a minute leaves room for drift and a stalled event loop.
 */
export const LEASE_MS = 60_000;

/**
 * How long a lease on a Sentinel set waits for a replica to acknowledge it (WAIT), in ms; below
 * the cache's 1000 ms stall bound, which would otherwise take the wait for a stall.
 */
export const LEASE_ACK_MS = 500;

function tickLost(key: string, why: string): false {
  serviceLog()?.warn(`cron tick ${key} lost: ${why}`);
  return false;
}

/**
 * Leases each tick with SET NX PX on the default cache: on a shared Redis one instance wins
 * it; on the in-process cache every process wins its own (run locally). The lease is not
 * released when the run ends, so a late instance cannot run the tick again.
 *
 * On a single Redis server that cannot answer, the tick runs here: a clean-up run twice is
 * better than one never run. On a Sentinel set (REDIS names `redis-sentinel://`) each tick
 * runs at most once, even across a failover: replication is asynchronous, so a lease the old
 * primary granted but never passed on would vanish with it, and another instance could take
 * the same tick from the new primary. So the winner waits (`WAIT 1`, up to LEASE_ACK_MS) for
 * a replica to acknowledge the lease and runs the tick only then; when no replica acknowledged
 * it, or no primary answers, the tick is skipped and logged as lost (`cron tick <key> lost`).
 */
export function cronLease(holder: string): RunCoordinator {
  return {
    async shouldRun(key, ttlMs) {
      const store = cache();
      try {
        const outcome = await store.leaseIfAbsent(`cron_lease:${key}`, holder, ttlMs, LEASE_ACK_MS);
        if (outcome === 'unreplicated') return tickLost(key, `no replica acknowledged its lease within ${LEASE_ACK_MS} ms`);
        return outcome === 'taken';
      } catch (err) {
        if (store.replicated) return tickLost(key, `no Redis primary to lease it (${(err as Error).message})`);
        warnThrottled('cron_lease', `script lease unavailable, running ${key} here: ${(err as Error).message}`);
        return true;
      }
    },
  };
}
