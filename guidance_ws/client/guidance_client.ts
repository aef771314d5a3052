/**
 * The guidance client for client teams: plain TypeScript, no runtime dependency, for browsers
 * and Node. The gateway serves it bundled as one ES module at `/client/guidance.js`.
 *
 * It connects with a session token (sent as the `bearer.<token>` subprotocol offer, so it
 * never appears in a URL), joins rooms, hands each message to the app once and in seq order
 * for the life of the object, acks what it delivered, and after any disconnect reconnects
 * with backoff and resumes each room with `since` = the last seq it delivered. Close code
 * 4401 (session revoked or expired) is final: no retry, a `close` event with `final: true`.
 */
import { backoffDelay } from './backoff.js';
import { Emitter } from './emitter.js';
import { GuidanceError, type GuideMessage, type JoinReply, type SendReply, type ServerFrame } from './frames.js';
import { FINAL_CLOSE_CODES, type GuidanceClientOptions, type GuidanceEvents, type WebSocketLike } from './options.js';

export type { BackoffOptions } from './backoff.js';
export { GuidanceError, type GuideMessage, type JoinReply, type SendReply } from './frames.js';
export {
  type CloseEvent,
  FINAL_CLOSE_CODES,
  type GuidanceClientOptions,
  type GuidanceEvents,
  type SeqStore,
  type WebSocketConstructor,
  type WebSocketLike,
} from './options.js';

interface RoomState {
  /** Last seq delivered to the app; undefined until the store or the first join says. */
  last: number | undefined;
  acked: number;
  ackTimer: ReturnType<typeof setTimeout> | undefined;
  /** `join()` calls waiting for the room's next join reply. */
  waiters: Pending[];
}

interface Pending {
  resolve(data: unknown): void;
  reject(err: GuidanceError): void;
}

/** A guidance connection that outlives sockets. Listen with `on(...)`, then `join(room)`. */
export class GuidanceClient extends Emitter<GuidanceEvents> {
  private readonly urls: readonly string[];
  private readonly rooms = new Map<string, RoomState>();
  /** Replies awaited on the current socket, by `req`. */
  private readonly pending = new Map<number, Pending>();
  /** Frames waiting for a socket to open. */
  private readonly outbox: (() => void)[] = [];
  private ws: WebSocketLike | undefined;
  private ready = false;
  private closed = false;
  private attempt = 0;
  private nextUrl = 0;
  private nextReq = 1;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private openTimer: ReturnType<typeof setTimeout> | undefined;
  private heard = true;
  private pinged = false;

  constructor(private readonly opts: GuidanceClientOptions) {
    super();
    this.urls = typeof opts.url === 'string' ? [opts.url] : [...opts.url];
    if (!this.urls.length) throw new TypeError('GuidanceClient: url is required');
    // Connects once the caller's synchronous code has run: listeners added right after `new` see every event.
    queueMicrotask(() => this.connect());
  }

  /** The last seq delivered in `room`, if any. */
  lastSeq(room: string): number | undefined {
    return this.rooms.get(room)?.last;
  }

  /**
   * Joins `room` (again after every reconnect, from the last delivered seq). Resolves with
   * the first join's reply once a socket is open; rejects with a GuidanceError (12 bad room
   * name, 16 too many rooms...), and the room is then not joined.
   */
  async join(room: string): Promise<JoinReply> {
    let state = this.rooms.get(room);
    if (!state) {
      const stored = this.opts.store ? await this.opts.store.get(room) : undefined;
      state = this.rooms.get(room) ?? { last: stored ?? undefined, acked: 0, ackTimer: undefined, waiters: [] };
    }
    if (this.closed) throw new GuidanceError('closed', 'guidance: the client is closed');
    this.rooms.set(room, state);
    const joined = state;
    return new Promise<JoinReply>((resolve, reject) => {
      joined.waiters.push({ resolve: resolve as (data: unknown) => void, reject });
      if (this.ready) this.sendJoin(room, joined);
    });
  }

  /** Leaves `room` (its pending ack is sent first); messages of it are no longer delivered. */
  async leave(room: string): Promise<void> {
    if (!this.rooms.has(room)) return;
    this.flushAck(room);
    this.forget(room);
    if (this.ready) await this.request('leave', { room }).catch(() => {});
  }

  /**
   * Sends `body` (text or a JSON object) to `room` (operators and admins). Resolves once the
   * gateway has stored it, with its seq. Waits for a socket when none is open; rejects with
   * `'disconnected'` if the socket drops before the reply (then it may or may not be stored:
   * it is not resent, to keep it from being stored twice).
   */
  send(room: string, body: unknown): Promise<SendReply> {
    return this.whenOpen(() => this.request('send', { room, body }) as Promise<SendReply>);
  }

  /** Sends the pending acks and closes for good (code 1000); the `close` event says `final`. */
  close(): void {
    if (this.closed) return;
    for (const room of this.rooms.keys()) this.flushAck(room);
    this.finish(1000, 'closed by the app');
  }

  private connect(): void {
    if (this.closed) return;
    const url = this.urls[this.nextUrl++ % this.urls.length]!;
    const ws = new this.opts.WebSocket(url, ['guidance.v1', `bearer.${this.opts.token}`]);
    this.ws = ws;
    ws.onopen = () => this.opened(ws, url);
    ws.onmessage = (ev: { data: unknown }) => this.received(ws, ev.data);
    ws.onclose = (ev: { code: number; reason: string }) => this.dropped(ws, ev.code, ev.reason);
    ws.onerror = () => {}; // a close event follows
    const every = this.opts.pingIntervalMs ?? 20_000;
    // A handshake that hangs (a black-holed connection) is given up like a silent socket.
    if (every > 0) this.openTimer = setTimeout(() => this.abandon(ws, 'no answer to the handshake'), 2 * every);
  }

  private opened(ws: WebSocketLike, url: string): void {
    if (ws !== this.ws) return;
    clearTimeout(this.openTimer);
    this.ready = true;
    this.heard = true;
    const every = this.opts.pingIntervalMs ?? 20_000;
    if (every > 0) this.pingTimer = setInterval(() => this.checkAlive(ws), every);
    for (const [room, state] of this.rooms) this.sendJoin(room, state);
    for (const flush of this.outbox.splice(0)) flush();
    this.emit('open', { url });
  }

  private received(ws: WebSocketLike, raw: unknown): void {
    if (ws !== this.ws) return;
    this.heard = true;
    let frame: ServerFrame;
    try {
      frame = JSON.parse(String(raw)) as ServerFrame;
    } catch {
      this.emit('error', new Error('guidance: a frame that is not JSON'));
      return;
    }
    if (frame.cmd === 'guide') {
      this.deliver(frame.data as GuideMessage);
      return;
    }
    this.attempt = 0; // the gateway answers: this connection works
    const waiter = typeof frame.req === 'number' ? this.pending.get(frame.req) : undefined;
    if (!waiter) return;
    this.pending.delete(frame.req as number);
    if (frame.code === 0) waiter.resolve(frame.data);
    else waiter.reject(new GuidanceError(frame.code ?? 500, `${frame.cmd}: ${frame.msg}`, frame.data));
  }

  private deliver(msg: GuideMessage): void {
    const state = this.rooms.get(msg.room);
    if (!state || (state.last !== undefined && msg.seq <= state.last)) return;
    state.last = msg.seq;
    const saved = this.opts.store?.set(msg.room, msg.seq);
    if (saved) saved.catch((err: Error) => this.emit('error', err));
    this.scheduleAck(msg.room, state);
    this.emit('message', msg);
  }

  private dropped(ws: WebSocketLike, code: number, reason: string): void {
    if (ws !== this.ws) return;
    this.detach();
    if (FINAL_CLOSE_CODES.includes(code)) {
      this.finish(code, reason);
      return;
    }
    const retryInMs = backoffDelay(this.attempt++, this.opts.backoff);
    this.retryTimer = setTimeout(() => this.connect(), retryInMs);
    this.emit('close', { code, reason, final: false, retryInMs });
  }

  /** Forgets the current socket: its replies will never come. */
  private detach(): void {
    clearTimeout(this.openTimer);
    clearInterval(this.pingTimer);
    this.ready = false;
    for (const state of this.rooms.values()) {
      clearTimeout(state.ackTimer);
      state.ackTimer = undefined;
    }
    const lost = [...this.pending.values()];
    this.pending.clear();
    const error = new GuidanceError('disconnected', 'guidance: the connection dropped before the reply');
    for (const waiter of lost) waiter.reject(error);
  }

  private finish(code: number, reason: string): void {
    const ws = this.ws;
    this.ws = undefined;
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.detach();
    ws?.close(1000);
    for (const flush of this.outbox.splice(0)) flush();
    const closedError = new GuidanceError('closed', `guidance: closed (${code} ${reason})`);
    for (const state of this.rooms.values()) for (const waiter of state.waiters.splice(0)) waiter.reject(closedError);
    this.emit('close', { code, reason, final: true });
  }

  /** After `pingIntervalMs` of silence sends a ping; after another, drops the socket as dead. */
  private checkAlive(ws: WebSocketLike): void {
    if (this.heard) {
      this.heard = false;
      this.pinged = false;
    } else if (!this.pinged) {
      this.pinged = true;
      ws.send(JSON.stringify({ cmd: 'ping' }));
    } else this.abandon(ws, 'no answer to ping');
  }

  /** Drops a socket that stopped answering without waiting for its close handshake (which would hang too). */
  private abandon(ws: WebSocketLike, reason: string): void {
    ws.onclose = null;
    ws.close(4000, reason);
    this.dropped(ws, 1006, reason);
  }

  /**
   * Joins on the current socket from the last delivered seq (or, for a room never seen, from
   * the account's last ack, else from now). A dropped socket's join is redone on the next.
   */
  private sendJoin(room: string, state: RoomState): void {
    const data = state.last === undefined ? { room } : { room, since: state.last };
    this.request('join', data).then(
      (reply) => {
        if (state.last === undefined) state.last = (reply as JoinReply).since;
        for (const waiter of state.waiters.splice(0)) waiter.resolve(reply);
      },
      (err: GuidanceError) => {
        if (err.code === 'disconnected' || this.rooms.get(room) !== state) return;
        if (!state.waiters.length) {
          this.emit('error', err);
          return;
        }
        for (const waiter of state.waiters.splice(0)) waiter.reject(err);
        this.forget(room);
      },
    );
  }

  private scheduleAck(room: string, state: RoomState): void {
    if (state.ackTimer !== undefined) return;
    state.ackTimer = setTimeout(() => {
      state.ackTimer = undefined;
      this.flushAck(room);
    }, this.opts.ackDelayMs ?? 1000);
  }

  private flushAck(room: string): void {
    const state = this.rooms.get(room);
    if (!state || !this.ready || state.last === undefined || state.last <= state.acked) return;
    clearTimeout(state.ackTimer);
    state.ackTimer = undefined;
    const seq = state.last;
    this.request('ack', { room, seq }).then(
      (reply) => {
        state.acked = Math.max(state.acked, seq);
        this.emit('ack', reply as { room: string; seq: number });
      },
      (err: GuidanceError) => err.code !== 'disconnected' && this.emit('error', err),
    );
  }

  private forget(room: string): void {
    clearTimeout(this.rooms.get(room)?.ackTimer);
    this.rooms.delete(room);
  }

  /** Runs `write` now if a socket is open, else once one is; rejects if the client closes first. */
  private whenOpen<T>(write: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new GuidanceError('closed', 'guidance: the client is closed'));
    if (this.ready) return write();
    return new Promise<T>((resolve, reject) => {
      this.outbox.push(() => {
        if (this.closed) reject(new GuidanceError('closed', 'guidance: the client is closed'));
        else write().then(resolve, reject);
      });
    });
  }

  private request(cmd: string, data: unknown): Promise<unknown> {
    const req = this.nextReq++;
    return new Promise((resolve, reject) => {
      this.pending.set(req, { resolve, reject });
      this.ws!.send(JSON.stringify({ cmd, req, data }));
    });
  }
}
