import type { MiddlewareHandler } from 'hono';
import { setResponseHeader } from './response_header.js';

export interface SecureHeadersOptions {
  /** Sent as `Strict-Transport-Security`; false leaves it out (plain-HTTP deployments). */
  hsts?: string | false;
}

/**
 * Hardening headers for a JSON API, computed once and set before the handler runs (see
 * `setResponseHeader` for why not on `c.res` afterwards, as Hono's own middleware does).
 */
export function secureHeaders(opts: SecureHeadersOptions = {}): MiddlewareHandler {
  // The OWASP REST set: a JSON API needs no more, and every header costs a validation per response.
  const headers: [string, string][] = [
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ['Content-Security-Policy', "frame-ancestors 'none'"],
    ['Cache-Control', 'no-store'],
  ];
  const hsts = opts.hsts ?? 'max-age=15552000; includeSubDomains';
  if (hsts) headers.push(['Strict-Transport-Security', hsts]);
  // Not async: with nothing to do after the handler, returning next() saves a promise per request.
  return function secureHeadersMiddleware(c, next) {
    for (const [name, value] of headers) setResponseHeader(c, name, value);
    return next();
  };
}
