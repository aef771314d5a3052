import type { BaseConf } from './base_conf.js';
import { ConfError, loadConf } from './load_conf.js';

// Kept apart from the launcher's logger and process model: a migration CLI or script that
// reads a service's config loads only this (not winston, prom-client, node:cluster).
type ConfClass<T extends BaseConf> = Parameters<typeof loadConf<T>>[0];

/** Loads the config or stops the process with one line naming the key and why. */
export function bootConf<T extends BaseConf>(Conf: ConfClass<T>): Readonly<T> {
  try {
    return loadConf(Conf);
  } catch (err) {
    if (!(err instanceof ConfError)) throw err;
    process.stderr.write(`config error: ${err.message}\n`);
    process.exit(78); // EX_CONFIG: systemd's Restart=on-failure should not loop on it forever
  }
}
