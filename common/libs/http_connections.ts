import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

interface ConnState {
  /** Requests read on this socket whose response has not finished. */
  busy: number;
  /** `performance.now()` when the last response finished (or the socket was accepted). */
  idleSince: number;
  /**
   * `socket.bytesRead` at `idleSince`: more bytes since means a next request has begun, or the
   * socket was upgraded to a WebSocket (no response ends there), which is never HTTP-idle again.
   * No 'upgrade' listener here: one more makes @hono/node-server leave failed handshakes unanswered.
   */
  bytesAtIdle: number;
}

/**
 * Every socket an HTTP server accepted, with whether it is between requests. Node's own
 * `closeIdleConnections()` (which `server.close()` calls since Node 19) destroys a kept-alive
 * socket whose client may be writing its next request at that very moment; the client then
 * gets ECONNRESET for a request it cannot know was never read. A drain instead closes only
 * sockets that stayed idle for a grace period, see `closeIdle`.
 */
export class ConnectionTracker {
  private readonly conns = new Map<Socket, ConnState>();

  constructor(server: Server, isDraining: () => boolean) {
    // One listener for every socket and every response, made once: a closure per socket would
    // stay as long as the socket (an upgraded WebSocket: hours), one per request an allocation each.
    const conns = this.conns;
    function onSocketClose(this: Socket) {
      conns.delete(this);
    }
    server.on('connection', (socket: Socket) => {
      conns.set(socket, { busy: 0, idleSince: performance.now(), bytesAtIdle: 0 });
      socket.on('close', onSocketClose);
    });
    function onClose(this: ServerResponse) {
      const state = conns.get(this.req.socket);
      if (!state) return;
      state.busy--;
      state.idleSince = performance.now();
      state.bytesAtIdle = this.req.socket.bytesRead;
    }
    // prepended: runs before the app writes its head, so a header set here still goes out
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      if (isDraining()) res.setHeader('Connection', 'close');
      const state = conns.get(req.socket);
      if (!state) return;
      state.busy++;
      res.on('close', onClose);
    });
  }

  get size(): number {
    return this.conns.size;
  }

  /**
   * Destroys each socket that has had no request for `graceMs`. The last check runs in a
   * `setImmediate`, after the event loop's poll phase: bytes of a next request that arrived
   * while this process was busy are read first (the request is then served), instead of
   * being cut by a timer that fires before the read.
   */
  closeIdle(graceMs: number): void {
    const now = performance.now();
    for (const [socket, state] of this.conns) {
      if (!isIdle(socket, state) || now - state.idleSince < graceMs) continue;
      setImmediate(() => {
        if (isIdle(socket, state)) socket.destroy();
      });
    }
  }

  /** Destroys every socket, busy or not (the drain deadline). */
  destroyAll(): void {
    for (const socket of this.conns.keys()) socket.destroy();
  }
}

function isIdle(socket: Socket, state: ConnState): boolean {
  return state.busy === 0 && socket.bytesRead === state.bytesAtIdle && !socket.destroyed;
}
