import type { WebSocket } from 'ws';
import { ApiError } from '../../common/libs/api_error.js';
import { dependencyError } from '../../common/libs/dependency_down.js';
import { compileJsonInput, type InputCheck } from '../../common/libs/input_check.js';
import { StaCode, type StaCodeEntry } from '../../common/libs/sta_code.js';
import type { HeartbeatPeer } from '../../common/libs/ws_heartbeat.js';
import { wsFrameIn, wsFrameOut } from '../../common/libs/ws_metrics.js';
import type { SessionInfo } from '../../common/model_rc/login_session.js';
import { type BucketState, takeToken } from '../../common/partner/token_bucket.js';
import { Close } from './close_codes.js';
import { COMMANDS, type Command, commandDataSchema } from './commands.js';
import { type Frame, FrameError, frameParser, replyText, UNREADABLE } from './frame.js';
import type { Gateway } from './gateway.js';
import type { Member } from './member.js';

const IDLE: Promise<void> = Promise.resolve();

// Compiled once for every connection; a command schema with an unbounded number stops start-up.
const parseFrame = frameParser(Object.keys(COMMANDS));
const VALIDATORS = new Map<string, InputCheck<unknown>>(
  Object.entries(COMMANDS).map(([name, c]) => [name, compileJsonInput(commandDataSchema(c), 'data', `command ${name}`)]),
);

/** The open sockets of one session token on this instance, and the session they act as (shared by them). */
export interface TokenSockets {
  readonly tokenHash: string;
  /** The latest resolved session (a role change replaces it). */
  session: SessionInfo;
  readonly conns: Set<Conn>;
}

/**
 * One client socket: its session, its rooms and its error boundary. Frames run in arrival
 * order; a pipelined command (send) starts at once so a busy sender's messages can be
 * stored in batches. Nothing a client sends can throw past `onMessage`: every failure
 * becomes an error frame and the socket stays open. Kept small: there is one per client.
 */
export class Conn implements HeartbeatPeer, BucketState {
  lastSeen = Date.now();
  closed = false;
  /** One per joined room (a few at most, so a list beats a map). */
  readonly members: Member[] = [];
  tokens: number;
  refilledAt = this.lastSeen;
  private chain = IDLE;
  /** Frames accepted and not answered yet; a rate-limit close waits for them. */
  private unanswered = 0;
  private whenAnswered: (() => void) | undefined;

  constructor(
    readonly gw: Gateway,
    readonly ws: WebSocket,
    readonly sockets: TokenSockets,
    /** The upgrade's request id, for the logs. */
    readonly id: string,
    /** The client's address (the socket quota counts by it). */
    readonly address: string,
  ) {
    this.tokens = gw.conf.WS_RATE_BURST;
  }

  get session(): SessionInfo {
    return this.sockets.session;
  }

  member(room: string): Member | undefined {
    return this.members.find((m) => m.room === room);
  }

  /** A frame from the client: its text, or null for a binary frame. */
  onMessage(data: string | null): void {
    wsFrameIn();
    this.lastSeen = Date.now();
    if (this.closed || this.whenAnswered) return;
    if (!takeToken(this, this.gw.conf.WS_RATE_PER_SECOND, this.gw.conf.WS_RATE_BURST, this.lastSeen)) {
      this.closeWhenAnswered(Close.RATE_LIMIT.code, 'rate limit exceeded');
      return;
    }
    let frame: Frame;
    try {
      if (data === null) {
        throw new FrameError(
          UNREADABLE,
          null,
          StaCode.UNSUPPORTED_MEDIA,
          'frame: binary frames are not accepted, send JSON text',
        );
      }
      frame = parseFrame(data);
    } catch (err) {
      this.fail(err as FrameError);
      return;
    }
    const command = COMMANDS[frame.cmd]!;
    this.unanswered++;
    if (command.pipelined) void this.run(command, frame);
    else this.chain = this.chain.then(() => this.run(command, frame));
  }

  /** Sends a pre-encoded `guide` frame as text. */
  push(frame: Buffer): void {
    wsFrameOut();
    this.ws.send(frame, { binary: false });
  }

  /** More is queued to this client than it may have in flight. */
  congested(): boolean {
    return this.ws.bufferedAmount > this.gw.conf.WS_MAX_BUFFERED_BYTES;
  }

  ping(): void {
    this.ws.ping();
  }

  drop(): void {
    this.close(Close.IDLE.code, 'heartbeat timeout');
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.close(code, reason);
  }

  /** Takes no more frames, answers the ones already taken, then closes (a graceful stop, a rate limit). */
  closeWhenAnswered(code: number, reason: string): void {
    this.whenAnswered = () => this.close(code, reason);
    if (this.unanswered === 0) this.whenAnswered();
  }

  private async run(command: Command, frame: Frame): Promise<void> {
    try {
      VALIDATORS.get(frame.cmd)!(frame.data);
      const result = await command.run(this, frame.data);
      this.reply(command.reply ?? frame.cmd, frame.req, StaCode.OK, StaCode.OK.msg, result.data);
      result.afterReply?.();
    } catch (err) {
      this.fail(err, frame);
    } finally {
      if (--this.unanswered === 0) {
        this.chain = IDLE; // nothing is queued on it: let the last step's promise go
        this.whenAnswered?.();
      }
    }
  }

  /**
   * The error boundary: a client error answers its code; a dependency failure 503 with a
   * message saying which (the same classification as HTTP's); anything else 500 and the
   * failed log, unless the socket closed meanwhile (then the command was cut, not failed).
   */
  private fail(err: unknown, frame?: Frame): void {
    const cmd = err instanceof FrameError ? err.cmd : (frame?.cmd ?? UNREADABLE);
    const req = err instanceof FrameError ? err.req : (frame?.req ?? null);
    const known = err instanceof ApiError ? err : dependencyError(err);
    if (known) {
      this.reply(cmd, req, known.sta, known.message, known.data);
      return;
    }
    if (!this.open()) {
      this.gw.log.info(`guide ${cmd} cut short: the socket closed`, { rid: this.id, error: (err as Error)?.message });
      return;
    }
    this.gw.log.failed(`guide ${cmd} failed`, { rid: this.id, error: err as Error });
    this.reply(cmd, req, StaCode.SERVER_ERROR, StaCode.SERVER_ERROR.msg, null);
  }

  /** Answers a command; a client that closed its socket first is told nothing, and that is logged as info. */
  private reply(cmd: string, req: string | number | null, sta: StaCodeEntry, msg: string, data: unknown): void {
    if (this.open()) {
      wsFrameOut();
      this.ws.send(replyText(cmd, req, sta, msg, data));
    } else this.gw.log.info(`guide ${cmd} reply not delivered: the socket closed`, { rid: this.id, req, code: sta.code });
  }

  private open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }
}
