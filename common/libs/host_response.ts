import { type OutgoingHttpHeader, type OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** The headers every answer carries (`secureHeaderList`), with their lower-case names, made once. */
export interface HostHeaderSet {
  readonly pairs: readonly (readonly [string, string])[];
  /** Lower-case name -> the name as sent, `x-request-id` included. */
  readonly byLowerName: ReadonlyMap<string, string>;
}

export const REQUEST_ID_HEADER = 'X-Request-Id';

export function hostHeaderSet(pairs: readonly (readonly [string, string])[]): HostHeaderSet {
  const byLowerName = new Map<string, string>([[REQUEST_ID_HEADER.toLowerCase(), REQUEST_ID_HEADER]]);
  for (const [name] of pairs) byLowerName.set(name.toLowerCase(), name);
  return { pairs, byLowerName };
}

type GivenHeaders = OutgoingHttpHeaders | OutgoingHttpHeader[] | undefined;

/**
 * node's response with the host's headers (`X-Request-Id` and the secure headers) added when
 * the head is written, in the one object `writeHead` stores, instead of a `setHeader` call
 * each per request (each validates, lower-cases and stores its header apart). The servers
 * `listen` makes use it (`http.createServer({ ServerResponse })`); the request scope sets
 * `requestId` and `hostHeaders`. A header the app gives itself (a page's own CSP) wins, in
 * any letter case. A response whose `hostHeaders` is unset is node's own.
 */
export class HostResponse extends ServerResponse {
  requestId = '';
  hostHeaders: HostHeaderSet | undefined;
  /** Some header was set with `setHeader` before the head: ours must not replace it. */
  private setBefore = false;

  override setHeader(name: string, value: number | string | readonly string[]): this {
    this.setBefore = true;
    return super.setHeader(name, value);
  }

  override writeHead(statusCode: number, reasonOrHeaders?: string | GivenHeaders, maybeHeaders?: GivenHeaders): this {
    const own = this.hostHeaders;
    const reason = typeof reasonOrHeaders === 'string' ? reasonOrHeaders : undefined;
    const given = reason === undefined ? (reasonOrHeaders as GivenHeaders) : maybeHeaders;
    if (own === undefined) return super.writeHead(statusCode, reason, given);
    this.hostHeaders = undefined;
    if (Array.isArray(given)) {
      // raw pairs: set ours first (unless set already), node then sets the given ones over them
      if (!this.hasHeader(REQUEST_ID_HEADER)) this.setHeader(REQUEST_ID_HEADER, this.requestId);
      for (const [name, value] of own.pairs) if (!this.hasHeader(name)) this.setHeader(name, value);
      return super.writeHead(statusCode, reason, given);
    }
    const merged: OutgoingHttpHeaders = {};
    if (!this.setBefore) {
      merged[REQUEST_ID_HEADER] = this.requestId;
      for (const [name, value] of own.pairs) merged[name] = value;
    } else {
      if (!this.hasHeader(REQUEST_ID_HEADER)) merged[REQUEST_ID_HEADER] = this.requestId;
      for (const [name, value] of own.pairs) if (!this.hasHeader(name)) merged[name] = value;
    }
    if (given) {
      for (const name in given) {
        const ours = own.byLowerName.get(name.toLowerCase());
        if (ours !== undefined && ours !== name) delete merged[ours];
        merged[name] = given[name];
      }
    }
    return super.writeHead(statusCode, reason, merged);
  }
}
