import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';

/** nginx's "client closed request": the status an access line carries when the client left first. */
export const CLIENT_CLOSED = 499;

/** The client closed its connection before its request was read or its answer written. */
export class ClientGoneError extends Error {
  constructor(cause: unknown) {
    super('client closed the connection', { cause });
    this.name = 'ClientGoneError';
  }
}

/** The node request and response under a Hono context (absent in `app.request()` tests). */
export function nodeExchange(c: Context): { incoming?: IncomingMessage; outgoing?: ServerResponse } {
  return (c.env ?? {}) as { incoming?: IncomingMessage; outgoing?: ServerResponse };
}

/** Whether the client's connection is gone (closed or reset), so nothing more can reach it. */
export function connectionGone(c: Context): boolean {
  const { incoming, outgoing } = nodeExchange(c);
  return Boolean(incoming?.errored || incoming?.socket?.destroyed || outgoing?.destroyed);
}

const ABORT_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);

/** Whether `err` is the client's going away (its read or write aborted), not a server fault. */
export function isClientGone(err: unknown, c: Context): boolean {
  if (err instanceof ClientGoneError) return true;
  if (!(err instanceof Error) || !connectionGone(c)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  return err.name === 'AbortError' || (code !== undefined && ABORT_CODES.has(code));
}
