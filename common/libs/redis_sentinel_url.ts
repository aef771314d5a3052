/**
 * A REDIS entry naming a Sentinel set instead of one server:
 * `redis-sentinel://[[user]:password@]host1:26379,host2:26379,host3:26379/<master name>[?db=N]`.
 * The hosts are sentinels (port 26379 when left out); the path is the name the sentinels
 * monitor (`sentinel monitor <name> ...`); `user`/`password` authenticate to the primary and
 * replicas (the sentinels themselves are reached without), URL-encoded like any userinfo;
 * `db` selects the logical database (0 by default).
 */
export interface SentinelTarget {
  name: string;
  sentinels: { host: string; port: number }[];
  username?: string;
  password?: string;
  db: number;
}

const SENTINEL_URL = /^redis-sentinel:\/\/(?:([^@/]*)@)?([^/?#]+)\/([^/?#]+)(?:\?([^#]*))?$/;
const DEFAULT_SENTINEL_PORT = 26379;

export function isSentinelUrl(url: string): boolean {
  return url.startsWith('redis-sentinel://');
}

function parseHost(text: string, url: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(text);
  const port = m?.[2] === undefined ? DEFAULT_SENTINEL_PORT : Number(m[2]);
  if (!m || port < 1 || port > 65535) throw new Error(`bad sentinel address "${text}" in ${redactUrl(url)}`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

/** Parses a `redis-sentinel://` URL; throws an Error naming the bad part (the password left out). */
export function parseSentinelUrl(url: string): SentinelTarget {
  const m = SENTINEL_URL.exec(url);
  if (!m) throw new Error(`bad sentinel URL ${redactUrl(url)}: expected redis-sentinel://host:port[,host:port...]/<master name>`);
  const [, userinfo, hosts, name, query] = m;
  const target: SentinelTarget = {
    name: decodeURIComponent(name!),
    sentinels: hosts!.split(',').map((h) => parseHost(h.trim(), url)),
    db: 0,
  };
  if (userinfo) {
    const [user, ...rest] = userinfo.split(':');
    if (user) target.username = decodeURIComponent(user);
    if (rest.length) target.password = decodeURIComponent(rest.join(':'));
  }
  for (const [key, value] of new URLSearchParams(query ?? '')) {
    if (key !== 'db' || !/^\d{1,2}$/.test(value))
      throw new Error(`bad sentinel URL ${redactUrl(url)}: unknown or bad option "${key}"`);
    target.db = Number(value);
  }
  return target;
}

/** `redis sentinel <name>`: the name a Sentinel set's state lines carry. */
export function sentinelStateName(url: string): string {
  const m = SENTINEL_URL.exec(url);
  return `redis sentinel ${m ? decodeURIComponent(m[3]!) : '?'}`;
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
