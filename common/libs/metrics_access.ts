import { createHash, timingSafeEqual } from 'node:crypto';
import { addressIn, addressList } from './client_address.js';
import { StaCode, type StaCodeEntry } from './sta_code.js';

export interface MetricsAccessOptions {
  /** `METRICS_TOKEN`: the bearer token a scrape must send; empty: none. */
  token: string;
  /** `METRICS_ALLOW`: addresses or CIDR ranges that may scrape without the token. */
  allow: readonly string[];
}

/** A refusal of `/metrics`, as a StaCode (404 while nothing allows it, 401 for a missing or wrong token, else 403). */
export type MetricsRefusal = StaCodeEntry | undefined;

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Who may scrape `/metrics`: a client whose address is in `allow`, or one that sends
 * `Authorization: Bearer <token>` (compared in constant time). With neither configured
 * nobody may, and the route answers 404 as if it did not exist. Returns a check that gives
 * undefined for an allowed scrape, else the StaCode to refuse it with.
 */
export function metricsAccess(
  opts: MetricsAccessOptions,
): (authorization: string | undefined, address: string) => MetricsRefusal {
  const expected = opts.token ? digest(`Bearer ${opts.token}`) : undefined;
  const allowed = opts.allow.length ? addressList(opts.allow, 'METRICS_ALLOW') : undefined;
  return function checkMetricsAccess(authorization, address) {
    if (!expected && !allowed) return StaCode.NOT_FOUND;
    if (allowed && addressIn(allowed, address)) return undefined;
    if (expected && authorization && timingSafeEqual(digest(authorization), expected)) return undefined;
    return expected ? StaCode.NOT_AUTHENTICATED : StaCode.FORBIDDEN;
  };
}
