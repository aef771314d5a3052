import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/**
 * A request header read straight from node's IncomingMessage when there is one. Going through
 * `c.req.header()` would make @hono/node-server build a full Headers object for every request,
 * which costs more than the rest of a small request together.
 */
export function incomingHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
