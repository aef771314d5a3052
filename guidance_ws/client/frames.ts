/** Wire shapes of the guidance.v1 protocol (guidance_ws/README.md, "Protocol") as the client sees them. */

/** A stored guidance message, pushed as `{cmd: "guide", data}`. */
export interface GuideMessage {
  room: string;
  /** Gap-free per room, from 1. */
  seq: number;
  /** Text or a JSON object, as sent. */
  body: unknown;
  /** The sending operator's username. */
  sender: string;
  /** ISO time it was stored. */
  at: string;
}

/** Reply to `join`: the seq the replay starts after and the room's last seq at that moment. */
export interface JoinReply {
  room: string;
  since: number;
  last_seq: number;
}

/** Reply to `send`: the message is stored under `seq`. */
export interface SendReply {
  room: string;
  seq: number;
  at: string;
}

/** Any frame from the gateway: a reply (with `code`) or a push (`cmd: "guide"`). */
export interface ServerFrame {
  cmd: string;
  req?: string | number | null;
  code?: number;
  msg?: string;
  data?: unknown;
}

/**
 * Why a request failed. `code` is the gateway's business code (12 bad argument, 15 viewer
 * may not send, 16 too many rooms, 404 not joined...), or `'disconnected'` when the socket
 * dropped before the reply (a `send` may then have been stored or not), or `'closed'` when
 * the client was closed (by the app, or for good by the gateway) before it could be sent.
 */
export class GuidanceError extends Error {
  constructor(
    readonly code: number | 'disconnected' | 'closed',
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'GuidanceError';
  }
}
