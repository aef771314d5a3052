import type { EventEmitter } from 'node:events';
import { markRedisStalled, watchRedisClient } from './redis_watch.js';

/** What the watchdog needs of a node-redis client (`createClient(...)`). */
export interface StallableClient extends EventEmitter {
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  close(): Promise<void>;
  destroy(): void;
}

export interface RedisStallWatchdogOptions {
  /** The server's URL: names its dependency state (`redis <host>:<port>`). */
  url: string;
  /** The member of that state this connection is (`cache`, `bus publisher`). */
  member: string;
  /** How long commands may be outstanding without a reply, in ms. */
  timeoutMs: number;
}

/**
 * Keeps one multiplexed Redis connection answering. Callers run each command through
 * `run(command)`, or read `client` and wrap the command in `sent()` / `settled()`: two counter
 * updates, no timer nor AbortSignal per command. One interval per connection, every
 * `timeoutMs / 4` (unref'd), looks whether commands are outstanding and no reply came back (and none was sent on an idle connection)
 * since the last look; when that has held for `timeoutMs`, the connection counts as stalled.
 * On a free event loop a stall is detected between `timeoutMs` and `timeoutMs + timeoutMs / 4`
 * after the last progress. The looks are counted, not timed: a busy event loop delays them, and
 * replies that arrived meanwhile are read between two looks, so a busy loop is no stall.
 *
 * On a stall the client is destroyed, so node-redis rejects every pending command
 * (DisconnectsClientError): the caller sees an error, as when Redis is down, and falls back
 * (RcModel reads the database; the paths that need Redis answer 503); as with any timeout,
 * the server may still have run the command. The dependency state
 * is marked down with the cause `stalled` and a fresh client takes over; it connects and
 * reconnects by itself, fails commands at once (offline) until ready, and marks the state
 * back when ready. A server that still does not answer keeps the fresh client in its
 * handshake, so commands keep failing fast until it does.
 *
 * Why not node-redis's `commandOptions.timeout`: it arms an `AbortSignal.timeout` and a
 * listener per command (commands-queue.js, addCommand), a cost every request pays to guard
 * against a rare stall; here `commandOptions.timeout` is 0, which creates no signal.
 * `socket.socketTimeout` is no substitute either: it is an idle timeout, reset by writes, so
 * a server that takes commands and never answers keeps it from firing.
 */
export class RedisStallWatchdog<C extends StallableClient> {
  /** The live client; replaced after a stall, so read it for each command. */
  client: C;
  private unwatch: () => void;
  private outstanding = 0;
  private progress = 0;
  private seenProgress = 0;
  private quietLooks = 0;
  private closed = false;
  private readonly looksToStall = 4;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly open: () => C,
    private readonly opts: RedisStallWatchdogOptions,
  ) {
    this.client = open();
    this.unwatch = watchRedisClient(this.client, opts.url, opts.member);
    this.timer = setInterval(() => this.look(), Math.max(1, opts.timeoutMs / this.looksToStall)).unref();
  }

  /** A command is about to be sent on `client`. */
  sent(): void {
    if (this.outstanding++ === 0) this.progress++;
  }

  /** A command sent on `client` settled (a reply, an error, a rejection by the client). */
  settled(): void {
    this.outstanding--;
    this.progress++;
  }

  /** Runs `command` on the live client, between `sent()` and `settled()`. */
  async run<T>(command: (client: C) => Promise<T>): Promise<T> {
    this.sent();
    try {
      return await command(this.client);
    } finally {
      this.settled();
    }
  }

  /** Connects the first client; resolves once it is ready (node-redis retries until then). */
  async connect(): Promise<void> {
    await this.client.connect();
  }

  /** Stops watching and closes the client (pending commands finish first, while it is ready). */
  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    try {
      if (client.isReady) await client.close();
      else client.destroy();
    } finally {
      clearInterval(this.timer);
      this.unwatch();
    }
  }

  private look(): void {
    if (this.outstanding === 0 || this.progress !== this.seenProgress) {
      this.seenProgress = this.progress;
      this.quietLooks = 0;
      return;
    }
    if (++this.quietLooks < this.looksToStall) return;
    this.quietLooks = 0;
    // While closing, a stall only needs ending: close() waits on replies that will not come.
    if (this.closed) this.client.destroy();
    else this.replace();
  }

  private replace(): void {
    const stalled = this.client;
    this.unwatch();
    markRedisStalled(this.opts.url, this.opts.member, this.opts.timeoutMs);
    stalled.destroy();
    this.client = this.open();
    this.unwatch = watchRedisClient(this.client, this.opts.url, this.opts.member);
    this.client.connect().catch(() => {}); // errors are reported through the client's `error` events
  }
}
