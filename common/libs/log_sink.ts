import { noticeOnStderr } from './log_std_target.js';

/**
 * Where a sink's lines end up: a daily file, stdout, stderr. A target never throws and never
 * emits 'error': every outcome reaches `done`.
 */
export interface LineTarget {
  /** What notices call it: `access-2026-11-30.log`, `stdout`. */
  readonly label: string;
  /**
   * Writes one line (without its newline) and calls `done` exactly once, with the error when
   * the line was not written. `done` may be called before `write` returns or later, so an
   * asynchronous, batching target fits behind the same shape.
   */
  write(line: string, done: (err?: Error | null) => void): void;
  /** Opens the target afresh (a file: the path as it is now). Throws when it cannot. */
  reopen(): void;
  close(): void;
}

export interface LogSinkOptions {
  /** How often a failed sink tries to reopen its target, in ms (5000). */
  retryMs?: number;
  /** Where the one "sink failed" line goes (stderr). */
  notice?: (line: string) => void;
}

const codeOf = (err: Error) => (err as NodeJS.ErrnoException).code ?? err.name;

/**
 * A log sink that can never take the service down. When its target fails (disk full, file
 * or directory gone, permission lost, a closed pipe: EPIPE) it says so once on stderr, naming
 * the target and the error code, then drops and counts lines. Every `retryMs` (and on
 * `reopen()`, which SIGHUP calls) it reopens the target and writes
 * `log sink <label> recovered; <n> lines dropped while it failed` into it; when that line
 * is written the sink is back, otherwise it stays failed without another notice.
 */
export class LogSink {
  private broken = false;
  private closed = false;
  private probing = false;
  private dropped = 0;
  /** Set from the first failure until a recovery line is written: one notice per episode. */
  private episode: string | undefined;
  private retry: NodeJS.Timeout | undefined;
  private readonly retryMs: number;
  private readonly notice: (line: string) => void;

  constructor(
    readonly target: LineTarget,
    opts: LogSinkOptions = {},
  ) {
    this.retryMs = opts.retryMs ?? 5000;
    this.notice = opts.notice ?? noticeOnStderr;
  }

  /**
   * Writes a line, or drops and counts it while the target is failed; after `close()`, drops it.
   * `lines` > 1: `line` is that many lines joined by newlines (a batch), counted as many.
   */
  write(line: string, lines = 1): void {
    if (this.closed) return;
    if (this.broken) {
      this.dropped += lines;
      return;
    }
    this.target.write(line, lines === 1 ? this.written : (err) => this.lost(err, lines));
  }

  /** Reopens the target (logrotate moved the file); a failed sink tries to recover now. */
  reopen(): void {
    if (this.closed) return;
    if (this.broken) {
      this.recover();
      return;
    }
    try {
      this.target.reopen();
    } catch (err) {
      this.fail(err as Error);
    }
  }

  close(): void {
    this.closed = true;
    clearInterval(this.retry);
    this.retry = undefined;
    this.target.close();
  }

  private readonly written = (err?: Error | null): void => this.lost(err, 1);

  private lost(err: Error | null | undefined, lines: number): void {
    if (!err) return;
    this.dropped += lines;
    this.fail(err);
  }

  private fail(err: Error): void {
    if (this.broken) return;
    this.broken = true;
    if (this.episode === undefined) {
      this.episode = this.target.label;
      this.notice(
        `${new Date().toISOString()} ERROR [-] log sink ${this.episode} failed (${codeOf(err)}): ${err.message}; ` +
          `its lines are dropped and counted until it works again (reopened every ${this.retryMs / 1000} s and on SIGHUP)`,
      );
    }
    this.retry ??= setInterval(() => this.recover(), this.retryMs).unref();
  }

  private recover(): void {
    if (!this.broken || this.probing) return;
    try {
      this.target.reopen();
    } catch {
      return; // still failed; said so once already
    }
    const count = this.dropped;
    this.broken = false;
    this.probing = true;
    const line = `${new Date().toISOString()} WARN [-] log sink ${this.episode} recovered; ${count} lines dropped while it failed`;
    this.target.write(line, (err) => {
      this.probing = false;
      if (err) {
        this.fail(err);
        return;
      }
      this.dropped -= count;
      if (this.broken) return; // failed again meanwhile: the next recovery line counts the rest
      this.episode = undefined;
      clearInterval(this.retry);
      this.retry = undefined;
    });
  }
}
