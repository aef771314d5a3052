import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';

/**
 * Sets a response header on node's ServerResponse when there is one: node merges it into
 * whatever the handler answers (JSON, error, stream), and no Headers object is built, which
 * keeps @hono/node-server on its fast path. Elsewhere (`app.request()` in tests) uses Hono's.
 */
export function setResponseHeader(c: Context, name: string, value: string): void {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (outgoing) outgoing.setHeader(name, value);
  else c.header(name, value);
}
