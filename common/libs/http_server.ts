import type { Server, ServerResponse } from 'node:http';
import net from 'node:net';
import { serve, type WebSocketServerLike } from '@hono/node-server';
import type { Hono } from 'hono';
import { answerClientError } from './client_error.js';
import { HostResponse } from './host_response.js';
import { ConnectionTracker } from './http_connections.js';

/**
 * How long a kept-alive socket must have had no request before a drain closes it. A client in
 * the middle of a request loop writes its next request within milliseconds of an answer, gets
 * that answer with `Connection: close` and leaves by itself; only a client that is really idle
 * is cut, and only if it stays idle this long. Node's keep-alive timeout (5 s) still applies.
 */
const IDLE_GRACE_MS = 1000;
const SWEEP_MS = 100;

export interface HttpServerHandle {
  server: Server;
  port: number;
  /** True from the moment a stop begins. */
  draining: () => boolean;
  /**
   * Closes the listener at once: a new connection is refused, so a load balancer in front
   * (nginx's `proxy_next_upstream error`) sends that request to another instance, sure it
   * never reached this one. Connections already open stay served (as `close` says); a
   * launcher calls this first in its stop, before draining its WebSockets. Idempotent.
   */
  stopAccepting(): void;
  /**
   * Stops accepting (if not yet), answers every request that still comes on an open connection with
   * `Connection: close`, closes a connection once it has been idle `IDLE_GRACE_MS`, and
   * resolves when none is left; whatever is still open after `timeoutMs` is cut.
   */
  close(timeoutMs: number): Promise<void>;
}

export interface ListenOptions {
  /** A `ws` server made with `{ noServer: true }`: upgrade requests then reach `upgradeWebSocket` routes. */
  websocket?: WebSocketServerLike;
}

export function listen(app: Hono, port: number, hostname: string, opts: ListenOptions = {}): Promise<HttpServerHandle> {
  let draining = false;
  return new Promise((resolve, reject) => {
    const websocket = opts.websocket ? { server: opts.websocket } : undefined;
    const server = serve({
      fetch: app.fetch,
      port,
      hostname,
      websocket,
      // the host's headers go out with the head, not a setHeader each (host_response.ts)
      serverOptions: { ServerResponse: HostResponse as typeof ServerResponse },
    }) as Server;
    const connections = new ConnectionTracker(server, () => draining);
    server.once('error', reject);
    server.on('clientError', answerClientError);
    server.once('listening', () => {
      const address = server.address();
      let closed: Promise<void> | undefined;
      const stopAccepting = () => {
        draining = true;
        // net's close, not http's: since Node 19 http.Server#close also destroys every idle
        // kept-alive socket at once, racing the next request a client may be writing on it.
        closed ??= new Promise<void>((done) => net.Server.prototype.close.call(server, () => done()));
      };
      resolve({
        server,
        port: typeof address === 'object' && address ? address.port : port,
        draining: () => draining,
        stopAccepting,
        async close(timeoutMs) {
          stopAccepting();
          const sweep = setInterval(() => connections.closeIdle(IDLE_GRACE_MS), SWEEP_MS);
          const deadline = setTimeout(() => connections.destroyAll(), timeoutMs);
          await closed;
          clearInterval(sweep);
          clearTimeout(deadline);
        },
      });
    });
  });
}
