/** See `CacheStore.leaseIfAbsent`. */
export type LeaseOutcome = 'taken' | 'held' | 'unreplicated';

/** What a cache model needs from a cache: Redis in production, a Map in the embedded default. */
export interface CacheStore {
  readonly kind: 'redis' | 'memory';
  /** True on a Redis Sentinel set: a failover can lose writes no replica has acknowledged yet. */
  readonly replicated: boolean;
  get(key: string): Promise<string | null>;
  /** Stores `value`; with `ttlSeconds` it expires. */
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  /** Stores only if absent (SET NX PX); true when this call stored it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /**
   * setIfAbsent for a lease that must not be taken twice: on a replicated store, also waits up
   * to `ackMs` for a replica to acknowledge it (WAIT) and answers `unreplicated` when none did
   * (a failover could lose it, and another holder take it again). Else `taken` or `held`.
   */
  leaseIfAbsent(key: string, value: string, ttlMs: number, ackMs: number): Promise<LeaseOutcome>;
  /** Replaces `key` with `value` (expiring in `ttlMs`) only while it still holds `expected`; true when replaced. */
  replaceIfEquals(key: string, expected: string, value: string, ttlMs: number): Promise<boolean>;
  /** Deletes `key` only while it still holds `value` (releasing a lease). */
  deleteIfEquals(key: string, value: string): Promise<boolean>;
  del(...keys: string[]): Promise<void>;
  /**
   * Adds 1 to the counter `key` (INCR); the hit that creates it starts a fixed window of
   * `windowMs`, at whose end it expires. Returns the new count and the ms left in the window.
   */
  incrWindow(key: string, windowMs: number): Promise<{ count: number; resetMs: number }>;
  /** Takes 1 back from the counter `key` while it exists; never creates it. */
  decrIfPresent(key: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
