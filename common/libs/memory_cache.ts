import type { CacheStore, LeaseOutcome } from './cache_store.js';

interface Slot {
  value: string;
  expiresAt: number;
}

/** The in-process cache of the embedded default; expiry is checked on read and swept each minute. */
export class MemoryCache implements CacheStore {
  readonly kind = 'memory' as const;
  readonly replicated = false;
  private readonly slots = new Map<string, Slot>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    this.slots.set(key, { value, expiresAt: ttlSeconds ? Date.now() + ttlSeconds * 1000 : Number.POSITIVE_INFINITY });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return false;
    this.slots.set(key, { value, expiresAt: Date.now() + ttlMs });
    return true;
  }

  async leaseIfAbsent(key: string, value: string, ttlMs: number): Promise<LeaseOutcome> {
    return (await this.setIfAbsent(key, value, ttlMs)) ? 'taken' : 'held';
  }

  async replaceIfEquals(key: string, expected: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)?.value !== expected) return false;
    this.slots.set(key, { value, expiresAt: Date.now() + ttlMs });
    return true;
  }

  async deleteIfEquals(key: string, value: string): Promise<boolean> {
    if (this.live(key)?.value !== value) return false;
    this.slots.delete(key);
    return true;
  }

  async incrWindow(key: string, windowMs: number): Promise<{ count: number; resetMs: number }> {
    const now = Date.now();
    const slot = this.live(key) ?? { value: '0', expiresAt: now + windowMs };
    slot.value = String(Number(slot.value) + 1);
    this.slots.set(key, slot);
    return { count: Number(slot.value), resetMs: slot.expiresAt - now };
  }

  async decrIfPresent(key: string): Promise<void> {
    const slot = this.live(key);
    if (slot) slot.value = String(Number(slot.value) - 1);
  }

  async del(...keys: string[]): Promise<void> {
    for (const key of keys) this.slots.delete(key);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.slots.clear();
  }

  private live(key: string): Slot | undefined {
    const slot = this.slots.get(key);
    if (slot && slot.expiresAt <= Date.now()) {
      this.slots.delete(key);
      return undefined;
    }
    return slot;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, slot] of this.slots) if (slot.expiresAt <= now) this.slots.delete(key);
  }
}
