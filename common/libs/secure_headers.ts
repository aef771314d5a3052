export interface SecureHeadersOptions {
  /** Sent as `Strict-Transport-Security`; false leaves it out (plain-HTTP deployments). */
  hsts?: string | false;
}

/**
 * Hardening headers for a JSON API, as `[name, value]` pairs computed once at start; the
 * request scope sets them on every answer. The OWASP REST set: a JSON API needs no more, and
 * every header costs a validation per response.
 */
export function secureHeaderList(opts: SecureHeadersOptions = {}): readonly (readonly [string, string])[] {
  const headers: [string, string][] = [
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ['Content-Security-Policy', "frame-ancestors 'none'"],
    ['Cache-Control', 'no-store'],
  ];
  const hsts = opts.hsts ?? 'max-age=15552000; includeSubDomains';
  if (hsts) headers.push(['Strict-Transport-Security', hsts]);
  return headers;
}
