/** One reason the gateway closes a socket: its WebSocket close code and what a client should do. */
export interface CloseCode {
  readonly code: number;
  /** When the gateway closes with it. */
  readonly when: string;
  /** What a client should do next. */
  readonly clientShould: string;
}

function close(code: number, when: string, clientShould: string): CloseCode {
  return Object.freeze({ code, when, clientShould });
}

/**
 * Every close code the gateway sends, in one table: the code closes sockets with these
 * entries, and /asyncapi.json lists them. 1009 is sent by `ws` itself (`maxPayload`).
 */
export const Close = Object.freeze({
  GOING_AWAY: close(
    1001,
    'the gateway is stopping (graceful stop: stores in flight finish and are answered first)',
    'reconnect (another instance), resume',
  ),
  RATE_LIMIT: close(
    1008,
    'more frames than WS_RATE_PER_SECOND (burst WS_RATE_BURST); frames taken before are still answered',
    'slow down, reconnect',
  ),
  SOCKET_CAP: close(
    1008,
    'right after the handshake: a socket past a WS_MAX_SOCKETS_PER_* cap, named in the reason',
    'close another socket first',
  ),
  TOO_BIG: close(1009, 'a frame over WS_MAX_FRAME_BYTES', 'send smaller frames'),
  CATCHUP_FAILED: close(1011, 'catching up from the database failed', 'reconnect, resume'),
  SLOW_CONSUMER: close(
    1013,
    'slow consumer: over WS_MAX_BUFFERED_BYTES queued for longer than WS_SLOW_CLOSE_MS',
    'reconnect, resume',
  ),
  SESSION: close(
    4401,
    'no, bad, expired or revoked session; also sent within SESSION_CHECK_MS of a logout or account disable',
    'sign in again',
  ),
  IDLE: close(
    4408,
    'silent (no frame, no pong) past WS_IDLE_TIMEOUT_MS; the server pings every WS_PING_INTERVAL_MS',
    'reconnect, resume',
  ),
});
