import type { CacheStore } from './cache_store.js';
import { MemoryCache } from './memory_cache.js';

const caches = new Map<string, CacheStore>();

/**
 * Opens every named cache: Redis for a URL, the in-process store for an empty entry.
 * node-redis is loaded here, on the first Redis URL, so a process without one never loads it.
 */
export async function registerCaches(urls: Record<string, string>): Promise<void> {
  for (const [name, url] of Object.entries(urls)) {
    if (!url) {
      caches.set(name, new MemoryCache());
      continue;
    }
    const { RedisCache } = await import('./redis_cache.js');
    caches.set(name, await new RedisCache(url).connect());
  }
}

export function cache(name = 'default'): CacheStore {
  const store = caches.get(name);
  if (!store) throw new Error(`cache "${name}" is not registered`);
  return store;
}

export async function pingCaches(): Promise<void> {
  await Promise.all([...caches.values()].map((c) => c.ping()));
}

export async function closeCaches(): Promise<void> {
  await Promise.allSettled([...caches.values()].map((c) => c.close()));
  caches.clear();
}
