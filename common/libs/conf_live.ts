/**
 * Reloadable config keys. The loaded config is frozen, so a reloadable key becomes a getter
 * over a private store: code keeps reading `conf.KEY` and sees the value a SIGHUP put there.
 */
const stores = new WeakMap<object, Record<string, unknown>>();

/** Turns `keys` of `conf` (not yet frozen) into getters over a store only `setLiveValue` writes. */
export function makeLive(conf: Record<string, unknown>, keys: readonly string[]): void {
  const store: Record<string, unknown> = {};
  for (const key of keys) {
    store[key] = conf[key];
    Object.defineProperty(conf, key, { get: () => store[key], enumerable: true, configurable: false });
  }
  stores.set(conf, store);
}

/** Replaces the value of a reloadable key on a loaded config. */
export function setLiveValue(conf: object, key: string, value: unknown): void {
  const store = stores.get(conf);
  if (!store || !(key in store)) throw new Error(`${key} is not a reloadable key of this config`);
  store[key] = value !== null && typeof value === 'object' ? Object.freeze(value) : value;
}
