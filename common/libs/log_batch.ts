import type { LogSink } from './log_sink.js';

/** A batch is written at once when it grows past this many characters (256 KiB of ASCII). */
const MAX_BATCH_CHARS = 256 * 1024;

const pending = new Set<LineBatch>();
let exitHook = false;

/**
 * How long the first line of a batch waits for others, in ms (nginx's `access_log ... flush=`).
 * Per event-loop turn, a service answering a few requests a turn made a system call per sink
 * every few requests, and woke the reader of its stdout (journald) as often; per 50 ms the
 * writes cost next to nothing per request, and a line still shows within a blink of its answer.
 */
export const FLUSH_MS = 50;

/**
 * Lines collected and handed to sinks as one write per batch, instead of a write per line
 * (access lines come one per request). A batch is written `flushMs` after its first line, or
 * at once when it holds `MAX_BATCH_CHARS`; lines keep their order. A batch still pending
 * when the process exits (even by `process.exit`) is written then, synchronously, as the
 * sinks' targets are (files, and stdout/stderr on Linux); only a process killed outright
 * (SIGKILL, the OOM killer) loses the lines of its last `flushMs`.
 */
export class LineBatch {
  private text = '';
  private count = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sinks: readonly LogSink[],
    private readonly flushMs = FLUSH_MS,
  ) {
    if (!exitHook) {
      exitHook = true;
      process.once('exit', () => {
        for (const batch of pending) batch.flush();
      });
    }
  }

  push(line: string): void {
    this.text = this.count === 0 ? line : `${this.text}\n${line}`;
    this.count++;
    if (this.text.length >= MAX_BATCH_CHARS) this.flush();
    else if (!this.timer) {
      pending.add(this);
      // unref: a pending batch never keeps the process alive; the exit hook writes it
      this.timer = setTimeout(this.flush, this.flushMs).unref();
    }
  }

  /** Writes what is pending now. */
  readonly flush = (): void => {
    clearTimeout(this.timer);
    this.timer = undefined;
    pending.delete(this);
    if (this.count === 0) return;
    const { text, count } = this;
    this.text = '';
    this.count = 0;
    for (const sink of this.sinks) sink.write(text, count);
  };
}
