import { createClient, createSentinel, type RedisClientType } from 'redis';
import type { Bus, BusHandler } from './bus.js';
import { RedisSentinelLink, type SentinelClient, sentinelOptions } from './redis_sentinel_link.js';
import { isSentinelUrl } from './redis_sentinel_url.js';
import { RedisStallWatchdog } from './redis_stall_watchdog.js';
import { watchRedisClient } from './redis_watch.js';

export interface RedisBusOptions {
  /** Publishes unanswered this long (ms) fail instead of piling up: see RedisStallWatchdog. */
  commandTimeoutMs?: number;
}

type Subscriber = { subscribe(channel: string, handler: BusHandler): Promise<() => Promise<void>> };

/**
 * Redis pub/sub. A subscribed connection can run no other command, so publishing and
 * subscribing use two clients; the subscriber opens on the first `subscribe`. On a single
 * server node-redis subscribes again by itself after a reconnect; on a Sentinel set
 * (`redis-sentinel://`) node-redis moves the subscriptions to the new primary after a
 * failover (test_topology_sentinel.ts shows both). What was published meanwhile is lost.
 * Publishes share one multiplexed client; one that Redis takes without answering fails after
 * at most `commandTimeoutMs` (default 1000) plus a quarter of it (RedisStallWatchdog), and on
 * a Sentinel set one sent while no primary is known fails at once (RedisSentinelLink).
 */
export class RedisBus implements Bus {
  readonly kind = 'redis' as const;
  private readonly publisher: RedisStallWatchdog<RedisClientType> | RedisSentinelLink<RedisClientType>;
  private subscriber: Promise<Subscriber & { close(): Promise<void> }> | undefined;

  constructor(
    private readonly url: string,
    opts: RedisBusOptions = {},
  ) {
    const timeoutMs = opts.commandTimeoutMs ?? 1000;
    const open = () =>
      createClient({
        url,
        disableOfflineQueue: true,
        commandOptions: { timeout: 0 }, // no AbortSignal per command: the stall watchdog bounds waits
        socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
      }) as RedisClientType;
    // Reconnection is automatic; a failed publish reports itself to its caller, and the
    // server's state (down, stalled, back) is logged once per change.
    this.publisher = isSentinelUrl(url)
      ? new RedisSentinelLink(() => createSentinel(sentinelOptions(url)) as unknown as SentinelClient, {
          url,
          member: 'bus publisher',
          timeoutMs,
        })
      : new RedisStallWatchdog(open, { url, member: 'bus publisher', timeoutMs });
  }

  async connect(): Promise<this> {
    await this.publisher.connect();
    return this;
  }

  async publish(channel: string, payload: string): Promise<void> {
    await this.publisher.run((c) => c.publish(channel, payload));
  }

  async subscribe(channel: string, handler: BusHandler): Promise<() => Promise<void>> {
    this.subscriber ??= this.openSubscriber();
    return (await this.subscriber).subscribe(channel, handler);
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    await Promise.allSettled([this.publisher.close(), subscriber?.then((s) => s.close())]);
  }

  private async openSubscriber(): Promise<Subscriber & { close(): Promise<void> }> {
    if (this.publisher instanceof RedisSentinelLink) {
      // Its own Sentinel client, with an offline queue: a subscription waits for a primary.
      const link = new RedisSentinelLink<never>(
        () => createSentinel(sentinelOptions(this.url, { offlineQueue: true })) as unknown as SentinelClient,
        { url: this.url, member: 'bus subscriber', timeoutMs: Number.POSITIVE_INFINITY },
      );
      await link.connect();
      return link;
    }
    const client = this.publisher.client.duplicate({ disableOfflineQueue: false, commandOptions: {} });
    watchRedisClient(client, this.url, 'bus subscriber');
    await client.connect();
    return {
      async subscribe(channel, handler) {
        const listener = (message: string) => handler(message);
        await client.subscribe(channel, listener);
        return async () => {
          await client.unsubscribe(channel, listener);
        };
      },
      close: () => client.close(),
    };
  }
}
