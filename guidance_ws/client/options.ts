/** The options, events and injected parts (WebSocket, seq store) of GuidanceClient. */
import type { BackoffOptions } from './backoff.js';
import type { GuideMessage } from './frames.js';

/** What the client needs of a WebSocket: the browser/Node 22+ global one and `ws` both fit. */
export interface WebSocketLike {
  onopen: ((ev: never) => void) | null;
  onmessage: ((ev: never) => void) | null;
  onclose: ((ev: never) => void) | null;
  onerror: ((ev: never) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** Where the last delivered seq of each room is kept beyond memory (localStorage, a file...). */
export interface SeqStore {
  get(room: string): number | undefined | null | Promise<number | undefined | null>;
  set(room: string, seq: number): void | Promise<void>;
}

export interface GuidanceClientOptions {
  /** `ws://host:8002/v1/guide`; several are tried in turn, one per reconnect. */
  url: string | readonly string[];
  /** The session token `POST /v1/auth/login` of manage_system answers. */
  token: string;
  /** `WebSocket` (browsers, Node 22+) or `ws`'s default export (Node 20). */
  WebSocket: WebSocketConstructor;
  /** Keeps each room's last delivered seq across client objects; memory only by default. */
  store?: SeqStore;
  /** Reconnect delays (defaults 500 ms doubling to 30 s, with jitter: see backoffDelay). */
  backoff?: BackoffOptions;
  /** Ack a room this long after its latest delivery, in ms (default 1000; 0 = at once). */
  ackDelayMs?: number;
  /**
   * After this much silence a `ping` goes out, after twice it the socket counts as dead and is
   * replaced; a handshake unanswered for twice it is given up too (ms; default 20000; 0 = never).
   */
  pingIntervalMs?: number;
}

/** Close codes after which reconnecting cannot help (README, "Close codes"): sign in again. */
export const FINAL_CLOSE_CODES: readonly number[] = [4401];

export interface CloseEvent {
  code: number;
  reason: string;
  /** True when the client will not reconnect: 4401, or `close()` was called. */
  final: boolean;
  /** When not final: the delay before the next attempt, in ms. */
  retryInMs?: number;
}

export interface GuidanceEvents {
  /** A socket is open and every joined room's `join` has been sent on it. */
  open: { url: string };
  /** A message, once, in seq order per room. */
  message: GuideMessage;
  close: CloseEvent;
  /** The gateway stored the account's progress in a room (what a `join` without `since` resumes from). */
  ack: { room: string; seq: number };
  /** A failure no promise reports: an error reply to a re-join or an ack, a store failure, a listener that threw. */
  error: Error;
}
