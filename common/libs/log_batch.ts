import type { LogSink } from './log_sink.js';

/** A batch is written at once when it grows past this many characters (64 KiB of ASCII). */
const MAX_BATCH_CHARS = 64 * 1024;
/** How long a line may wait for its batch, in ms. */
const MAX_WAIT_MS = 50;

const pending = new Set<LineBatch>();
let exitHook = false;

/**
 * Lines collected and handed to sinks as one write at most `MAX_WAIT_MS` (50 ms) after the
 * first line of the batch, or at once when the batch reaches `MAX_BATCH_CHARS` (64 KiB),
 * instead of a write per line: for access lines, one per request, a busy service then makes
 * one system call per sink per 50 ms rather than two per request. Lines keep their order. A
 * batch still pending when the process exits (even by `process.exit`) is written then,
 * synchronously, as the sinks' targets are (files, and stdout/stderr on Linux); a process
 * killed by SIGKILL loses at most the last 50 ms of lines.
 */
export class LineBatch {
  private text = '';
  private count = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly sinks: readonly LogSink[]) {
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
      this.timer = setTimeout(this.flush, MAX_WAIT_MS).unref();
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
