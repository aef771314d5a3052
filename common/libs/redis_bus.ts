import { createClient, type RedisClientType } from 'redis';
import type { Bus, BusHandler } from './bus.js';
import { RedisStallWatchdog } from './redis_stall_watchdog.js';
import { watchRedisClient } from './redis_watch.js';

export interface RedisBusOptions {
  /** Publishes unanswered this long (ms) fail instead of piling up: see RedisStallWatchdog. */
  commandTimeoutMs?: number;
}

/**
 * Redis pub/sub. A subscribed connection can run no other command, so publishing and
 * subscribing use two clients; the subscriber opens on the first `subscribe`, and node-redis
 * subscribes again by itself after a reconnect (what was published meanwhile is lost).
 * Publishes share one multiplexed client; one that Redis takes without answering fails after
 * at most `commandTimeoutMs` (default 1000) plus a quarter of it (RedisStallWatchdog).
 */
export class RedisBus implements Bus {
  readonly kind = 'redis' as const;
  private readonly publisher: RedisStallWatchdog<RedisClientType>;
  private subscriber: Promise<RedisClientType> | undefined;

  constructor(
    private readonly url: string,
    opts: RedisBusOptions = {},
  ) {
    const open = () =>
      createClient({
        url,
        disableOfflineQueue: true,
        commandOptions: { timeout: 0 }, // no AbortSignal per command: the stall watchdog bounds waits
        socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
      }) as RedisClientType;
    // Reconnection is automatic; a failed publish reports itself to its caller, and the
    // server's state (down, stalled, back) is logged once per change.
    this.publisher = new RedisStallWatchdog(open, { url, member: 'bus publisher', timeoutMs: opts.commandTimeoutMs ?? 1000 });
  }

  async connect(): Promise<this> {
    await this.publisher.connect();
    return this;
  }

  async publish(channel: string, payload: string): Promise<void> {
    const conn = this.publisher;
    conn.sent();
    try {
      await conn.client.publish(channel, payload);
    } finally {
      conn.settled();
    }
  }

  async subscribe(channel: string, handler: BusHandler): Promise<() => Promise<void>> {
    this.subscriber ??= this.openSubscriber();
    const client = await this.subscriber;
    const listener = (message: string) => handler(message);
    await client.subscribe(channel, listener);
    return async () => {
      await client.unsubscribe(channel, listener);
    };
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    await Promise.allSettled([this.publisher.close(), subscriber?.then((c) => c.close())]);
  }

  private async openSubscriber(): Promise<RedisClientType> {
    const client = this.publisher.client.duplicate({ disableOfflineQueue: false, commandOptions: {} });
    watchRedisClient(client, this.url, 'bus subscriber');
    await client.connect();
    return client as RedisClientType;
  }
}
