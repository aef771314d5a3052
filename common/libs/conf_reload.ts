import { isDeepStrictEqual } from 'node:util';
import type { BaseConf } from './base_conf.js';
import { setLiveValue } from './conf_live.js';
import { type LoadConfOptions, loadConf } from './load_conf.js';

type ConfClass = Parameters<typeof loadConf<BaseConf>>[0] & { RELOADABLE: readonly string[]; SECRET_KEYS: readonly string[] };

/** What a reload did: keys it changed (old -> new, secrets masked) and changed keys it could not apply. */
export interface ReloadAnswer {
  changed: { key: string; from: unknown; to: unknown }[];
  /** Keys whose new value differs but that are not RELOADABLE: they take effect on the next start. */
  needsRestart: string[];
}

/**
 * Loads the config again (same sources and precedence as at start) and applies the changed
 * RELOADABLE keys in place. Throws `ConfError` when the new config is invalid; nothing is
 * changed then.
 */
export function reloadConf(conf: Readonly<BaseConf>, opts?: LoadConfOptions): ReloadAnswer {
  const Conf = conf.constructor as ConfClass;
  const fresh = loadConf(Conf, opts) as unknown as Record<string, unknown>;
  const running = conf as unknown as Record<string, unknown>;
  const reloadable = new Set(Conf.RELOADABLE);
  const secret = new Set(Conf.SECRET_KEYS);
  const answer: ReloadAnswer = { changed: [], needsRestart: [] };
  for (const key of Object.keys(fresh)) {
    if (isDeepStrictEqual(running[key], fresh[key])) continue;
    if (!reloadable.has(key)) {
      answer.needsRestart.push(key);
      continue;
    }
    const shown = (value: unknown) => (secret.has(key) ? (value ? '[set]' : '[empty]') : value);
    answer.changed.push({ key, from: shown(running[key]), to: shown(fresh[key]) });
    setLiveValue(conf, key, fresh[key]);
  }
  return answer;
}

/** One line for the log: `LOG_LEVEL info -> debug; needs a restart: RUN_PORT`. */
export function describeReload(answer: ReloadAnswer): string {
  const parts = answer.changed.map(({ key, from, to }) => `${key} ${JSON.stringify(from)} -> ${JSON.stringify(to)}`);
  const changed = parts.length ? parts.join(', ') : 'no reloadable key changed';
  return answer.needsRestart.length ? `${changed}; needs a restart: ${answer.needsRestart.join(', ')}` : changed;
}
