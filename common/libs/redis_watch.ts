import type { EventEmitter } from 'node:events';
import { dependencyState } from './dependency_state.js';

/** `redis <host>:<port>`: the name a Redis server's state lines carry. */
export function redisStateName(url: string): string {
  const u = new URL(url);
  return `redis ${u.hostname}:${u.port || 6379}`;
}

function causeOf(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}

/**
 * Feeds a node-redis client's events into its server's state: `error` (a socket failure; the
 * client reconnects by itself) marks `member` down, `ready` marks it back. Also serves as the
 * client's error listener, without which an `error` event would crash the process.
 */
export function watchRedisClient(client: EventEmitter, url: string, member: string): void {
  const state = dependencyState(redisStateName(url));
  client.on('error', (err: unknown) => state.memberDown(member, causeOf(err)));
  client.on('ready', () => state.memberUp(member));
}

/**
 * The same for a client pool, which forwards its clients' `error` but not their `ready`:
 * while down, `ping` every `probeMs` finds when it is back. Returns a stop function.
 */
export function watchRedisPool(pool: EventEmitter, ping: () => Promise<unknown>, url: string, member: string, probeMs = 500) {
  const state = dependencyState(redisStateName(url));
  let probe: NodeJS.Timeout | undefined;
  pool.on('error', (err: unknown) => {
    state.memberDown(member, causeOf(err));
    probe ??= setInterval(() => {
      ping().then(
        () => {
          clearInterval(probe);
          probe = undefined;
          state.memberUp(member);
        },
        () => {},
      );
    }, probeMs).unref();
  });
  return () => clearInterval(probe);
}
