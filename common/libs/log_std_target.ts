import type { Paint } from './log_colour.js';
import type { LineTarget } from './log_sink.js';

const ignore = () => {};
const quiet = new WeakSet<NodeJS.WriteStream>();

/**
 * Without a listener, a failed write on stdout/stderr (EPIPE: the reader went away; ENOSPC:
 * redirected to a full disk) is an unhandled 'error' event and kills the process. The
 * writes here see each error in their callback, so the event itself carries nothing new.
 */
function quietErrors(stream: NodeJS.WriteStream): void {
  if (quiet.has(stream)) return;
  quiet.add(stream);
  stream.on('error', ignore);
}

/** Writes one line to stderr, or nothing when stderr itself is broken. Never throws. */
export function noticeOnStderr(line: string): void {
  quietErrors(process.stderr);
  try {
    process.stderr.write(`${line}\n`, ignore);
  } catch {
    // stderr is the broken one: there is nowhere left to say it
  }
}

/**
 * process.stdout or process.stderr as a {@link LineTarget}. A stream cannot be reopened:
 * `reopen()` does nothing and the recovery line's own write shows whether it works again
 * (a file on a full disk can; a closed pipe never does, until the service restarts).
 * With `paint` (a terminal, see `wantsColour`) each line is coloured on its way out.
 */
export class StdTarget implements LineTarget {
  constructor(
    private readonly stream: NodeJS.WriteStream,
    readonly label: 'stdout' | 'stderr',
    private readonly paint?: Paint,
  ) {
    quietErrors(stream);
  }

  write(line: string, done: (err?: Error | null) => void): void {
    try {
      this.stream.write(`${this.paint ? this.paint(line) : line}\n`, done);
    } catch (err) {
      done(err as Error);
    }
  }

  reopen(): void {}

  close(): void {}
}
