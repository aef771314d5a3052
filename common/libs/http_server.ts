import type { Server } from 'node:http';
import { serve, type WebSocketServerLike } from '@hono/node-server';
import type { Hono } from 'hono';
import { answerClientError } from './client_error.js';

export interface HttpServerHandle {
  server: Server;
  port: number;
  /** True from the moment a stop begins. */
  draining: () => boolean;
  /** Stops accepting, lets in-flight requests finish within `timeoutMs`, then cuts what is left. */
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
    const server = serve({ fetch: app.fetch, port, hostname, websocket }) as Server;
    server.once('error', reject);
    server.on('clientError', answerClientError);
    server.once('listening', () => {
      const address = server.address();
      resolve({
        server,
        port: typeof address === 'object' && address ? address.port : port,
        draining: () => draining,
        close(timeoutMs) {
          draining = true;
          return new Promise<void>((done) => {
            const sweep = setInterval(() => server.closeIdleConnections(), 50);
            const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
            server.close(() => {
              clearInterval(sweep);
              clearTimeout(deadline);
              done();
            });
            server.closeIdleConnections();
          });
        },
      });
    });
  });
}
