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
 * client's error listener, without which an `error` event would crash the process. Returns a
 * function that stops feeding (for a client being replaced); a silent error listener stays.
 */
export function watchRedisClient(client: EventEmitter, url: string, member: string): () => void {
  const state = dependencyState(redisStateName(url));
  const onError = (err: unknown) => state.memberDown(member, causeOf(err));
  const onReady = () => state.memberUp(member);
  client.on('error', onError);
  client.on('ready', onReady);
  return () => {
    client.on('error', () => {});
    client.off('error', onError);
    client.off('ready', onReady);
  };
}

/** Marks `member` down because its commands got no reply within `timeoutMs` (see RedisStallWatchdog). */
export function markRedisStalled(url: string, member: string, timeoutMs: number): void {
  dependencyState(redisStateName(url)).memberDown(member, `stalled: no reply within ${timeoutMs} ms`);
}
