import type { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorReply, type RedisSentinelOptions } from 'redis';
import { dependencyState } from './dependency_state.js';
import { RedisNoPrimaryError } from './redis_no_primary.js';
import { parseSentinelUrl, sentinelStateName } from './redis_sentinel_url.js';
import { isRedisUnreachable } from './redis_unreachable.js';
import { warnThrottled } from './service_log.js';

/** What the link needs of a node-redis Sentinel client (`createSentinel(...)`). */
export interface SentinelClient extends EventEmitter {
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  close(): Promise<void>;
  destroy(): Promise<void>;
  use<T>(fn: (leased: never) => Promise<T>): Promise<T>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  unsubscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
}

export interface RedisSentinelLinkOptions {
  /** The `redis-sentinel://` URL: names the dependency state (`redis sentinel <name>`). */
  url: string;
  /** The member of that state this link is (`cache`, `bus publisher`). */
  member: string;
  /** How long commands may be outstanding without any reply, in ms (Infinity: unbounded). */
  timeoutMs: number;
}

/** Reply errors that mean the node we talk to is not (or no longer) a working primary. */
const NOT_PRIMARY = /^(READONLY|MASTERDOWN|LOADING)\b/;

export interface SentinelOptionsFor {
  /** A second primary connection, for `runAlone` (default false: the shared one only). */
  dedicated?: boolean;
  /** Queue commands while disconnected (a subscriber waits for a primary); default false. */
  offlineQueue?: boolean;
}

/**
 * The `createSentinel` options of a `redis-sentinel://` URL (see redis_sentinel_url.ts) for
 * the one-shared-client design: plain commands share one multiplexed primary connection;
 * with `dedicated`, a second one serves `runAlone` (WAIT, which blocks its connection).
 * Commands get no per-command AbortSignal (the link bounds waits), and the topology is re-read
 * every 10 s besides the sentinels' own `+switch-master` notices, in case one is missed.
 */
export function sentinelOptions(url: string, opts: SentinelOptionsFor = {}): RedisSentinelOptions {
  const target = parseSentinelUrl(url);
  return {
    name: target.name,
    sentinelRootNodes: target.sentinels,
    masterPoolSize: opts.dedicated ? 2 : 1,
    scanInterval: 10_000,
    commandOptions: { timeout: 0 },
    nodeClientOptions: {
      username: target.username,
      password: target.password,
      database: target.db,
      disableOfflineQueue: !opts.offlineQueue,
      socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) },
    },
    sentinelClientOptions: { socket: { connectTimeout: 2000 } },
  };
}

function causeOf(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}

/**
 * One node-redis Sentinel client behind the same `run(command)` the single-server watchdog
 * offers. node-redis finds the primary, follows `+switch-master`, and moves subscriptions;
 * but a command issued while it looks for the new primary waits for that search (seconds,
 * up to its `maxCommandRediscovers` tries), and its `isReady` mostly stays true meanwhile
 * (while the sentinels flag the old primary down, its search fails before readiness drops:
 * "no valid master node"). This link keeps callers from waiting:
 * - a command fails at once with RedisNoPrimaryError while the client is not ready;
 * - commands get a timer-free bound: when commands are outstanding and no reply came for
 *   `timeoutMs` (looked at every quarter of it), all of them fail with RedisNoPrimaryError.
 *   The client is left alone: it keeps following the failover;
 * - from then on every command fails at once, as a single server's offline client fails
 *   them, while a PING sent from the same look timer (one at a time, bounded the same way)
 *   probes; its reply ends the search, so no caller ever waits as the probe;
 * - READONLY / MASTERDOWN / LOADING replies and node-redis's own topology errors ("None of
 *   the sentinels are available", a refused connection) become RedisNoPrimaryError too.
 * RedisNoPrimaryError is a dependency failure: 503 on HTTP, the WS equivalent.
 */
export class RedisSentinelLink<C> {
  private client: SentinelClient;
  private readonly set: string;
  private readonly pending = new Set<(err: Error) => void>();
  private progress = 0;
  private seenProgress = 0;
  private quietLooks = 0;
  /** Commands went unanswered: until one answers again, one command at a time probes. */
  private searching = false;
  private probing = false;
  private closed = false;
  private alone: Promise<unknown> = Promise.resolve();
  private readonly looksToStall = 4;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly open: () => SentinelClient,
    private readonly opts: RedisSentinelLinkOptions,
  ) {
    this.set = sentinelStateName(opts.url);
    this.client = this.watch(open());
    // An infinite timeout (a subscriber: nothing to bound) needs no looks.
    this.timer = Number.isFinite(opts.timeoutMs)
      ? setInterval(() => this.look(), Math.max(1, opts.timeoutMs / this.looksToStall)).unref()
      : undefined;
  }

  /** Connects; a set that has no primary yet is retried (node-redis gives up after its tries). */
  async connect(): Promise<void> {
    for (;;) {
      try {
        await this.client.connect();
        return;
      } catch (err) {
        if (this.closed) throw err;
        warnThrottled(`redis-sentinel:${this.opts.member}`, `${this.set}: ${causeOf(err)}, retrying`);
        await sleep(1000);
        if (this.closed) throw err;
        this.client = this.watch(this.open()); // the failed one destroyed itself
      }
    }
  }

  /**
   * Runs `command` on the shared primary connection. The sentinel client offers the same
   * commands and scripts as a single-server client (node-redis `NON_STICKY_COMMANDS`), hence
   * the one client type `C` for both.
   */
  run<T>(command: (client: C) => Promise<T>): Promise<T> {
    const client = this.client;
    const refused = this.refusal(client);
    if (refused) return Promise.reject(refused);
    return this.bounded(() => command(client as unknown as C));
  }

  /**
   * Runs `work` on a primary connection of its own (the pool's second one: open the client
   * with `sentinelOptions(url, { dedicated: true })`), one `work` at a time, so a blocking
   * command such as WAIT never holds up the shared connection.
   */
  runAlone<T>(work: (client: C) => Promise<T>): Promise<T> {
    const client = this.client;
    const refused = this.refusal(client);
    if (refused) return Promise.reject(refused);
    const turn = this.alone.then(() => this.bounded(() => client.use((leased) => work(leased as unknown as C))));
    this.alone = turn.catch(() => {});
    return turn;
  }

  /**
   * Subscribes on the set's primary through node-redis's pub/sub connection, which node-redis
   * moves to the new primary after a failover, subscriptions included (PubSubProxy.changeNode).
   * Not bounded like commands: a subscription made during a failover waits for the new primary.
   */
  async subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    const client = this.client;
    await client.subscribe(channel, listener);
    return async () => {
      await client.unsubscribe(channel, listener);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    try {
      if (this.client.isReady) await this.client.close();
      else await this.client.destroy();
    } catch {
      // already torn down
    }
  }

  /** Why a command must fail at once: no primary known, or commands went unanswered and no probe was answered since. */
  private refusal(client: SentinelClient): RedisNoPrimaryError | undefined {
    if (!client.isReady || this.searching) return this.noPrimary();
    return undefined;
  }

  /** While searching: one PING at a time, from the look timer, never a caller's command. */
  private probe(): void {
    this.probing = true;
    const client = this.client as unknown as { ping(): Promise<string> };
    this.bounded(() => client.ping())
      .catch(() => {})
      .finally(() => {
        this.probing = false;
      });
  }

  private noPrimary(): RedisNoPrimaryError {
    return new RedisNoPrimaryError(this.set, 'failover under way');
  }

  private bounded<T>(command: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.pending.size === 0) this.progress++;
      this.pending.add(reject);
      command().then(
        (value) => {
          this.settled(reject);
          if (this.searching) {
            this.searching = false;
            dependencyState(this.set).memberUp(this.opts.member);
          }
          resolve(value);
        },
        (err: unknown) => {
          this.settled(reject);
          reject(this.explain(err));
        },
      );
    });
  }

  private settled(reject: (err: Error) => void): void {
    this.pending.delete(reject);
    this.progress++;
  }

  private explain(err: unknown): unknown {
    if (err instanceof ErrorReply) {
      return NOT_PRIMARY.test(err.message) ? new RedisNoPrimaryError(this.set, err.message) : err;
    }
    const known = isRedisUnreachable(err);
    // A programming error stays one; anything else thrown from below is the topology's.
    const bug =
      err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError || err instanceof ReferenceError;
    if (known || bug || !(err instanceof Error)) return err;
    return new RedisNoPrimaryError(this.set, causeOf(err));
  }

  private look(): void {
    if (this.searching && !this.probing && !this.closed) this.probe();
    if (this.pending.size === 0 || this.progress !== this.seenProgress) {
      this.seenProgress = this.progress;
      this.quietLooks = 0;
      return;
    }
    if (++this.quietLooks < this.looksToStall) return;
    this.quietLooks = 0;
    const cause = `no reply within ${this.opts.timeoutMs} ms`;
    this.searching = true;
    dependencyState(this.set).memberDown(this.opts.member, `stalled: ${cause}`);
    const waiting = [...this.pending];
    this.pending.clear();
    for (const reject of waiting) reject(new RedisNoPrimaryError(this.set, cause));
  }

  /** Feeds the client's readiness into the set's state; also its error listener (else a crash). */
  private watch(client: SentinelClient): SentinelClient {
    const state = dependencyState(this.set);
    const member = this.opts.member;
    client.on('reconnecting', () => state.memberDown(member, 'failover: looking for the new primary'));
    client.on('ready', () => state.memberUp(member));
    client.on('error', (err: unknown) => {
      if (!client.isReady) state.memberDown(member, causeOf(err));
      else warnThrottled(`redis-sentinel:${member}`, `${this.set}: ${causeOf(err)}`);
    });
    return client;
  }
}
