import type { ServerResponse } from 'node:http';
import { CLIENT_CLOSED } from './client_gone.js';
import type { MultLogger } from './mult_logger.js';

/** What an access line says of one answered request, kept as plain fields until it is written. */
export interface AnsweredRequest {
  /** Absent under `app.request()`: the status is then final at once. */
  outgoing: ServerResponse | undefined;
  status: number;
  method: string;
  path: string;
  ip: string;
  ua: string;
  requestId: string;
  /** `performance.now()` when the request reached the app. */
  started: number;
}

const queues = new Set<AccessLines>();
let exitHook = false;

/**
 * Access lines, one per answered request, written once the answer is out. A request only
 * queues its fields (no closure, no `close` listener): at the end of the event-loop turn
 * (`setImmediate`) each queued answer is, in nearly every case, already written, and its line
 * says its status and the milliseconds from arrival to then; an answer still going out (a
 * stream, a slow reader) gets a `close` listener then. An answer whose client left before it
 * was written says 499 (a 5xx the app chose stays). Lines go to `MultLogger.access`, which
 * writes them in batches.
 */
export class AccessLines {
  private queue: AnsweredRequest[] = [];
  private scheduled = false;

  constructor(private readonly log: MultLogger) {
    if (!exitHook) {
      exitHook = true;
      process.once('exit', () => {
        for (const lines of queues) {
          lines.flush();
          lines.log.flushAccess();
        }
      });
    }
  }

  add(answered: AnsweredRequest): void {
    this.queue.push(answered);
    if (this.scheduled) return;
    this.scheduled = true;
    queues.add(this);
    setImmediate(this.flush);
  }

  /** Writes the line of every queued answer that is out (or whose client left); the rest wait for `close`. */
  readonly flush = (): void => {
    this.scheduled = false;
    queues.delete(this);
    const queue = this.queue;
    this.queue = [];
    for (const answered of queue) {
      const { outgoing } = answered;
      if (outgoing && !outgoing.writableFinished && !outgoing.destroyed) {
        outgoing.once('close', () => this.write(answered));
      } else this.write(answered);
    }
  };

  private write(a: AnsweredRequest): void {
    const sent = !a.outgoing || a.outgoing.writableFinished || a.status >= 500 ? a.status : CLIENT_CLOSED;
    const ms = (performance.now() - a.started).toFixed(1);
    this.log.access(`${a.method} ${a.path} ${sent} ${ms}ms ip=${a.ip} ua=${JSON.stringify(a.ua)}`, a.requestId);
  }
}
