import type { WSEvents } from 'hono/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Bus } from '../../common/libs/bus.js';
import type { MultLogger } from '../../common/libs/mult_logger.js';
import { startHeartbeat } from '../../common/libs/ws_heartbeat.js';
import { wsOpened } from '../../common/libs/ws_metrics.js';
import type { SessionInfo } from '../../common/model_rc/login_session.js';
import { guidanceWriter } from '../../common/partner/guidance_writer.js';
import type { SysConf } from '../config/sys_conf.js';
import { Close } from './close_codes.js';
import { Conn, type TokenSockets } from './connection.js';
import { RoomHub } from './room_hub.js';
import { startSessionSweep } from './session_sweep.js';
import { SocketQuota } from './socket_quota.js';
import { listenersOf, takeOver } from './socket_takeover.js';
import { selectProtocol } from './subprotocol.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The WebSocket side of guidance_ws: the `ws` server, every open connection (also by session
 * token), the rooms, and the timers that watch them: heartbeat, session re-check, catch-up.
 */
export class Gateway {
  readonly wss: WebSocketServer;
  readonly hub: RoomHub;
  readonly conns = new Set<Conn>();
  private readonly byToken = new Map<string, TokenSockets>();
  private readonly quota: SocketQuota<Conn>;
  private readonly stoppers: (() => void)[] = [];
  draining = false;

  constructor(
    readonly conf: Readonly<SysConf>,
    readonly log: MultLogger,
    readonly bus: Bus,
  ) {
    // A frame over the limit closes the socket with 1009, inside `ws`, before it is buffered.
    // `conns` tracks the sockets, so `ws` need not keep its own set.
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: conf.WS_MAX_FRAME_BYTES,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: selectProtocol,
    });
    this.hub = new RoomHub(log);
    this.quota = new SocketQuota(conf);
  }

  async start(): Promise<void> {
    await this.hub.start(this.bus, this.conf.CATCHUP_INTERVAL_MS);
    const { WS_PING_INTERVAL_MS: intervalMs, WS_IDLE_TIMEOUT_MS: timeoutMs, SESSION_CHECK_MS } = this.conf;
    this.stoppers.push(startHeartbeat(() => this.conns, { intervalMs, timeoutMs }));
    this.stoppers.push(startSessionSweep(this, SESSION_CHECK_MS));
  }

  /**
   * The socket events of one authenticated upgrade (`id` is its request id, for the logs;
   * `address` the client's). A socket past a limit of `SocketQuota` is closed with 1008.
   */
  events(session: SessionInfo, tokenHash: string, id: string, address: string): WSEvents {
    let conn: Conn | undefined;
    return {
      onOpen: (_evt, ctx) => {
        const ws = ctx.raw as unknown as WebSocket;
        const same = this.byToken.get(tokenHash);
        const refusal = this.quota.refusal(same?.conns, session.account_id, address);
        if (refusal) {
          ws.close(Close.SOCKET_CAP.code, refusal);
          return;
        }
        // The sockets of one token share its record: one session object and one hash string, however many.
        const sockets = same ?? { tokenHash, session, conns: new Set<Conn>() };
        sockets.session = session;
        conn = new Conn(this, ws, sockets, id, address);
        this.add(conn);
        wsOpened();
        const opened = conn;
        const before = listenersOf(opened.ws);
        queueMicrotask(() => takeOver(opened, before));
        if (this.draining) conn.close(Close.GOING_AWAY.code, 'server shutting down');
      },
      // Only frames that arrived before the take-over come this way.
      onMessage: (evt) => conn?.onMessage(typeof evt.data === 'string' ? evt.data : null),
    };
  }

  /** The session tokens (hashed) that open sockets hold. */
  tokenHashes(): string[] {
    return [...this.byToken.keys()];
  }

  /** Closes every socket of a session that is no longer live. */
  endSession(tokenHash: string): void {
    for (const conn of this.byToken.get(tokenHash)?.conns ?? []) conn.close(Close.SESSION.code, 'session revoked or expired');
  }

  /** A role changed in manage_system: it applies to the next command. */
  setRole(tokenHash: string, role: string): void {
    const sockets = this.byToken.get(tokenHash);
    if (sockets && sockets.session.role !== role) sockets.session = { ...sockets.session, role };
  }

  /** Graceful stop: refuse new sockets, let stores in flight finish, then close every socket with 1001 once its frames are answered. */
  async stop(timeoutMs: number): Promise<void> {
    this.draining = true;
    for (const stop of this.stoppers.splice(0)) stop();
    await this.hub.stop();
    await Promise.race([guidanceWriter.idle(), sleep(timeoutMs)]);
    // A frame taken after the wait (the next send of a client in a closed loop) is still
    // answered before the 1001; one that comes later is not taken, so never stored unanswered.
    for (const conn of this.conns) conn.closeWhenAnswered(Close.GOING_AWAY.code, 'server shutting down');
    const deadline = Date.now() + timeoutMs;
    while (this.conns.size && Date.now() < deadline) await sleep(20);
    for (const conn of this.conns) conn.ws.terminate();
  }

  private add(conn: Conn): void {
    this.conns.add(conn);
    this.quota.add(conn, conn.session.account_id, conn.address);
    this.byToken.set(conn.sockets.tokenHash, conn.sockets);
    conn.sockets.conns.add(conn);
  }

  /** The socket closed: forget it and leave its rooms. */
  detach(conn: Conn): void {
    conn.closed = true;
    this.conns.delete(conn);
    const { sockets } = conn;
    sockets.conns.delete(conn);
    if (sockets.conns.size === 0 && this.byToken.get(sockets.tokenHash) === sockets) this.byToken.delete(sockets.tokenHash);
    this.quota.remove(conn, conn.session.account_id, conn.address);
    for (const member of [...conn.members]) this.hub.leave(member);
  }
}
