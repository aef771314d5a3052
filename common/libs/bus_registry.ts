import type { Bus } from './bus.js';
import { MemoryBus } from './memory_bus.js';

let current: Bus | undefined;
let opening: Promise<Bus> | undefined;

/**
 * Opens the bus once: Redis for a URL (the `default` REDIS entry), the in-process bus for an
 * empty one (node-redis is loaded only for a URL). Later calls return the same bus, so a
 * caller may also open it lazily.
 */
export function registerBus(url: string): Promise<Bus> {
  opening ??= (url ? openRedisBus(url) : Promise.resolve(new MemoryBus())).then(
    (bus) => (current = bus),
    (err) => {
      opening = undefined;
      throw err;
    },
  );
  return opening;
}

async function openRedisBus(url: string): Promise<Bus> {
  const { RedisBus } = await import('./redis_bus.js');
  return new RedisBus(url).connect();
}

/** The bus; throws when `registerBus` has not completed. */
export function bus(): Bus {
  if (!current) throw new Error('the bus is not registered');
  return current;
}

/** The bus once open, or undefined if it does not open within `timeoutMs` (it keeps trying meanwhile). */
export async function busWithin(url: string, timeoutMs: number): Promise<Bus | undefined> {
  if (current) return current;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([registerBus(url).catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

export async function closeBus(): Promise<void> {
  const closing = current;
  current = undefined;
  opening = undefined;
  await closing?.close();
}
