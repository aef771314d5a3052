import type { Context, MiddlewareHandler } from 'hono';
import { clientAddress } from './client_address.js';
import { CLIENT_CLOSED, nodeExchange } from './client_gone.js';
import { incomingHeader } from './incoming_header.js';
import type { MultLogger } from './mult_logger.js';
import { requestContext } from './request_context.js';
import { setResponseHeader } from './response_header.js';

declare module 'hono' {
  interface ContextVariableMap {
    requestId: string;
    log: MultLogger;
  }
}

export interface RequestScopeOptions {
  log: MultLogger;
  /** Paths not written to the access log. */
  skipAccessLog?: readonly string[];
  /** True while the server drains: answers then carry `Connection: close`. */
  isDraining?: () => boolean;
}

/** Accepted incoming ids: short, no spaces or line breaks (nothing that could forge a log line). */
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function clientIp(c: Parameters<MiddlewareHandler>[0]): string {
  return clientAddress(c);
}

/**
 * Calls `write(status)` once the answer is out: when node has handed all of it to the
 * socket, or 499 when the connection closed first (the client left mid-body or mid-answer,
 * e.g. mid CSV export). A 5xx the app chose stays as it is. Without node (`app.request()`),
 * at once.
 */
function whenAnswered(c: Context, write: (status: number) => void): void {
  const { outgoing } = nodeExchange(c);
  const settle = () => write(outgoing?.writableFinished || c.res.status >= 500 ? c.res.status : CLIENT_CLOSED);
  if (!outgoing) write(c.res.status);
  else if (outgoing.writableFinished || outgoing.destroyed) settle();
  else outgoing.once('close', settle);
}

/**
 * Gives each request an id (a safe `X-Request-Id` is kept, else a new UUID), echoes it,
 * binds it to every log line written while handling the request, then writes the access
 * line once the answer is out (499 when the client left first).
 */
export function requestScope(opts: RequestScopeOptions): MiddlewareHandler {
  const { log } = opts;
  const skip = new Set(opts.skipAccessLog ?? []);
  return async function requestScopeMiddleware(c, next) {
    const incoming = incomingHeader(c, 'x-request-id');
    const requestId = incoming && SAFE_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', requestId);
    c.set('log', log);
    setResponseHeader(c, 'X-Request-Id', requestId);
    const started = performance.now();
    await requestContext.run({ requestId }, next);
    if (opts.isDraining?.()) setResponseHeader(c, 'Connection', 'close');
    if (skip.has(c.req.path)) return;
    const ua = JSON.stringify(incomingHeader(c, 'user-agent') ?? '');
    const ip = clientIp(c);
    whenAnswered(c, (status) => {
      const ms = (performance.now() - started).toFixed(1);
      log.access(`${c.req.method} ${c.req.path} ${status} ${ms}ms ip=${ip} ua=${ua}`, requestId);
    });
  };
}
