import type { RawData, WebSocket } from 'ws';
import { wsClosed } from '../../common/libs/ws_metrics.js';
import type { Conn } from './connection.js';

const OWNER = Symbol('guidance connection');
type Owned = WebSocket & { [OWNER]: Conn };

/** The events the adapter listens to on a socket. */
const ADAPTER_EVENTS = ['message', 'close', 'error'] as const;

/** The listeners a socket has now (at `onOpen`: its own and `ws`'s, which `takeOver` keeps). */
export function listenersOf(ws: WebSocket): Set<unknown> {
  return new Set(ADAPTER_EVENTS.flatMap((event) => ws.listeners(event)));
}

// One function per event for every socket, not a closure per socket: the socket knows its Conn.
function onSocketMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  (this as Owned)[OWNER].onMessage(isBinary ? null : data.toString());
}

function onSocketClose(this: WebSocket, code: number): void {
  wsClosed(code);
  const conn = (this as Owned)[OWNER];
  conn.gw.detach(conn);
}

function onSocketPong(this: WebSocket): void {
  (this as Owned)[OWNER].lastSeen = Date.now();
}

// `ws` closes the socket itself on a protocol error (1009 too large, 1007 bad UTF-8...).
function onSocketError(): void {}

/**
 * Listens on the `ws` socket directly once @hono/node-server's upgradeWebSocket has attached
 * its own listeners (right after `onOpen`), and removes those (not the ones in `keep`): they
 * close over the upgrade request's Hono Context, Request and IncomingMessage, which would stay
 * alive as long as the socket, about 6 KB each (test/rescript_bench_ws.ts measures it).
 * Frames also skip the adapter's MessageEvent wrapping.
 */
export function takeOver(conn: Conn, keep: Set<unknown>): void {
  const ws = conn.ws as Owned;
  for (const event of ADAPTER_EVENTS) {
    for (const listener of ws.listeners(event)) if (!keep.has(listener)) ws.off(event, listener as () => void);
  }
  ws[OWNER] = conn;
  ws.on('message', onSocketMessage);
  ws.on('close', onSocketClose);
  ws.on('error', onSocketError);
  ws.on('pong', onSocketPong);
}
