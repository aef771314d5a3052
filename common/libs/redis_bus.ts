import { createClient, type RedisClientType } from 'redis';
import type { Bus, BusHandler } from './bus.js';
import { watchRedisClient } from './redis_watch.js';

export interface RedisBusOptions {
  /** A publish that Redis does not answer in time fails instead of piling up. */
  commandTimeoutMs?: number;
}

/**
 * Redis pub/sub. A subscribed connection can run no other command, so publishing and
 * subscribing use two clients; the subscriber opens on the first `subscribe`, and node-redis
 * subscribes again by itself after a reconnect (what was published meanwhile is lost).
 */
export class RedisBus implements Bus {
  readonly kind = 'redis' as const;
  private readonly publisher: RedisClientType;
  private subscriber: Promise<RedisClientType> | undefined;

  constructor(
    private readonly url: string,
    opts: RedisBusOptions = {},
  ) {
    this.publisher = createClient({
      url,
      disableOfflineQueue: true,
      commandOptions: { timeout: opts.commandTimeoutMs ?? 1000 },
      socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
    }) as RedisClientType;
    // Reconnection is automatic; a failed publish reports itself to its caller, and the
    // server's state (down, back) is logged once per change.
    watchRedisClient(this.publisher, url, 'bus publisher');
  }

  async connect(): Promise<this> {
    await this.publisher.connect();
    return this;
  }

  async publish(channel: string, payload: string): Promise<void> {
    await this.publisher.publish(channel, payload);
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
    const client = this.publisher.duplicate({ disableOfflineQueue: false, commandOptions: {} });
    watchRedisClient(client, this.url, 'bus subscriber');
    await client.connect();
    return client as RedisClientType;
  }
}
