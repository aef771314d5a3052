import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, Hono } from 'hono';
import { AccessLines } from './access_lines.js';
import { addressOf, peerMaySetRequestId } from './client_address.js';
import { HostResponse, hostHeaderSet } from './host_response.js';
import { type RouteMeter, UNMATCHED } from './http_metrics.js';
import type { MultLogger } from './mult_logger.js';
import { requestContext } from './request_context.js';

/**
 * What the host adds to the env Hono hands each handler as `c.env`: @hono/node-server's
 * `{incoming, outgoing}` (absent under `app.request()`), plus the request id.
 */
export interface HostEnv {
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
  requestId?: string;
  /** The body size limit in bytes: a view refuses a declared larger body before it runs (`refuseDeclaredTooLarge`), `readBodyText` any larger body. */
  bodyLimit?: number;
  /** The service logger (views reach it as `this.log`). */
  log?: MultLogger;
  /** The route template's request tallies, set by the route that took the request (`metered`, `mountRoutes`). */
  meter?: RouteMeter;
}

type Fetch = Hono['fetch'];
type Ctx = Parameters<Fetch>[2];

export interface RequestScopeOptions {
  log: MultLogger;
  /** Paths not written to the access log. */
  skipAccessLog?: readonly string[];
  /** True while the server drains: answers then carry `Connection: close`. */
  isDraining?: () => boolean;
  /** Headers every answer carries, computed once (`secureHeaderList`). */
  headers?: readonly (readonly [string, string])[];
  /** The body size limit in bytes (`HostEnv.bodyLimit`). */
  bodyLimit?: number;
}

/** Accepted incoming ids: short, no spaces or line breaks (nothing that could forge a log line). */
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id of the request `c` answers ('' outside a request scope). */
export function requestIdOf(c: Context): string {
  return (c.env as HostEnv | undefined)?.requestId ?? '';
}

/** The service logger of the request `c` answers. */
export function logOf(c: Context): MultLogger {
  return (c.env as HostEnv).log as MultLogger;
}

/** The client's address, as `clientAddress` tells it. */
export function clientIp(c: Context): string {
  return addressOf((c.env as HostEnv | undefined)?.incoming);
}

const pathOf = (url: string) => {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
};

/**
 * The host's work around every request, done around the app's `fetch` rather than as Hono
 * middleware: with no middleware, Hono calls a route's one handler directly, and an answer
 * made at once (`/health`) is written without a promise. Per request it: takes a safe
 * `X-Request-Id` (when `peerMaySetRequestId`: with `TRUSTED_PROXIES` set, only a trusted
 * proxy's) or makes a UUID, echoes it with the precomputed headers (set on node's
 * response, so they go out with whatever the app answers: JSON, error, stream), binds the id to every log line written while handling
 * the request, counts the answer under its route template (`RouteMeter`), and queues its
 * access line, written once the answer is out (`AccessLines`).
 */
export function withRequestScope(fetch: Fetch, opts: RequestScopeOptions): Fetch {
  const { log, isDraining } = opts;
  const skip = new Set(opts.skipAccessLog ?? []);
  const headers = opts.headers ?? [];
  const hostHeaders = hostHeaderSet(headers);
  const limit = opts.bodyLimit ?? Number.POSITIVE_INFINITY;
  const accessLines = new AccessLines(log);

  /** After the app answered: headers a bare `app.request()` has no node response for, the drain, the access line. */
  function finish(res: Response, env: HostEnv, request: Request, started: number): Response {
    const { incoming, outgoing } = env;
    if (outgoing) {
      if (isDraining?.()) outgoing.setHeader('Connection', 'close');
    } else if (!incoming) {
      res.headers.set('X-Request-Id', env.requestId as string);
      // as on a node response, a header the app set itself (a page's own CSP) wins
      for (const [name, value] of headers) if (!res.headers.has(name)) res.headers.set(name, value);
    }
    // an accepted WebSocket upgrade is answered 101 by `ws`; the app's Response only says 200
    const status = res.status === 200 && (incoming as { upgrade?: boolean } | undefined)?.upgrade ? 101 : res.status;
    (env.meter ?? UNMATCHED).observe(request.method, status, (performance.now() - started) / 1000);
    const path = incoming ? pathOf(incoming.url ?? '') : new URL(request.url).pathname;
    if (skip.has(path)) return res;
    accessLines.add({
      outgoing,
      status: res.status,
      method: request.method,
      path,
      ip: addressOf(incoming),
      ua: (incoming ? incoming.headers['user-agent'] : request.headers.get('user-agent')) ?? '',
      requestId: env.requestId as string,
      started,
    });
    return res;
  }

  function run(request: Request, env: HostEnv, ctx: Ctx): Response | Promise<Response> {
    const started = performance.now();
    const res = fetch(request, env, ctx);
    if (res instanceof Promise) return res.then((answered) => finish(answered, env, request, started));
    return finish(res, env, request, started);
  }

  return function requestScope(request, rawEnv, ctx) {
    const env = (rawEnv ?? {}) as HostEnv;
    const { incoming, outgoing } = env;
    const given = !incoming
      ? (request.headers.get('x-request-id') ?? undefined)
      : peerMaySetRequestId(incoming)
        ? incoming.headers['x-request-id']
        : undefined;
    const requestId = typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
    env.requestId = requestId;
    env.bodyLimit = limit;
    env.log = log;
    if (outgoing instanceof HostResponse) {
      outgoing.requestId = requestId;
      outgoing.hostHeaders = hostHeaders;
    } else if (outgoing) {
      outgoing.setHeader('X-Request-Id', requestId);
      for (const [name, value] of headers) outgoing.setHeader(name, value);
    }
    return requestContext.run({ requestId }, run, request, env, ctx);
  };
}
