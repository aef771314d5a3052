import type { LogSink } from './log_sink.js';

/** A batch is written at once when it grows past this many characters (256 KiB of ASCII). */
const MAX_BATCH_CHARS = 256 * 1024;

const pending = new Set<LineBatch>();
let exitHook = false;

/**
 * Lines collected and handed to sinks as one write per event-loop turn (`setImmediate`),
 * instead of a write per line: for access lines, one per request, that is one system call
 * per sink per turn rather than per request. Lines keep their order. A batch still pending
 * when the process exits (even by `process.exit`) is written then, synchronously, as the
 * sinks' targets are (files, and stdout/stderr on Linux).
 */
export class LineBatch {
  private text = '';
  private count = 0;
  private scheduled = false;

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
    else if (!this.scheduled) {
      this.scheduled = true;
      pending.add(this);
      setImmediate(this.flush);
    }
  }

  /** Writes what is pending now. */
  readonly flush = (): void => {
    this.scheduled = false;
    pending.delete(this);
    if (this.count === 0) return;
    const { text, count } = this;
    this.text = '';
    this.count = 0;
    for (const sink of this.sinks) sink.write(text, count);
  };
}
