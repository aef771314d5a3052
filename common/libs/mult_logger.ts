import path from 'node:path';
import winston from 'winston';
import { LineBatch } from './log_batch.js';
import { paintLines, wantsColour } from './log_colour.js';
import { DailyFileTarget } from './log_file_target.js';
import { LogSink } from './log_sink.js';
import { sinkTransport } from './log_sink_transport.js';
import { StdTarget } from './log_std_target.js';
import { redactText, redactValue } from './redact.js';
import { currentRequestId } from './request_context.js';

export interface MultLoggerOptions {
  /** Service name: files go to `<dir>/<service>/`. */
  service: string;
  dir: string;
  level?: string;
  keepDays?: number;
  /** Mirror every line to stdout/stderr (journald reads it there). */
  stdout?: boolean;
  /**
   * Written after the level on every line, in brackets: a cluster worker's `w<index>`, so
   * lines of workers sharing the files and the journal say whose they are. None by default.
   */
  tag?: string;
}

type Meta = Record<string, unknown> | Error | undefined;

/**
 * The line format: `<ISO time> <LEVEL> [<tag>] [<request id>] <message> <redacted meta as JSON>`,
 * `[<tag>] ` only when there is a tag.
 */
function lineFormat(tag: string): winston.Logform.Format {
  return winston.format.printf((info) => {
    const { level, message, timestamp, rid, ...meta } = info as Record<string, unknown>;
    const rest = Object.keys(meta).length ? ` ${JSON.stringify(redactValue(meta))}` : '';
    return `${timestamp} ${String(level).toUpperCase()} ${tag}[${rid ?? '-'}] ${redactText(String(message))}${rest}`;
  });
}

const STDERR_LEVELS: ReadonlySet<string> = new Set(['error', 'warn']);

let std: { out: LogSink; err: LogSink } | undefined;

/**
 * stdout and stderr are one each per process, so are their sinks (one notice, one count).
 * Each is coloured when it is a terminal (`wantsColour`), decided here once: plain output
 * costs no check per line.
 */
function stdSinks(): { out: LogSink; err: LogSink } {
  std ??= {
    out: new LogSink(new StdTarget(process.stdout, 'stdout', wantsColour(process.stdout) ? paintLines : undefined)),
    err: new LogSink(new StdTarget(process.stderr, 'stderr', wantsColour(process.stderr) ? paintLines : undefined)),
  };
  return std;
}

const addRequestId = winston.format((info) => {
  if (info.rid === undefined) info.rid = currentRequestId();
  return info;
});

/**
 * The service logger: `info-`, `failed-`, `access-` and named extra files under
 * `run_logs/<service>/`, rotated daily and kept `keepDays`, plus stdout.
 * Every line carries the request id of the request it was written in.
 *
 * Logging never takes the service down: each file, stdout and stderr is a {@link LogSink}.
 * A failing one (disk full, file or directory gone, permission lost, EPIPE) is named once on
 * stderr with its error code, drops and counts its lines, tries to reopen every 5 s and on
 * SIGHUP (`reopen()`), and once it works writes one line with the number of lines dropped.
 */
export class MultLogger {
  readonly dir: string;
  private readonly opts: Required<MultLoggerOptions>;
  private readonly loggers = new Map<string, winston.Logger>();
  private readonly files = new Map<string, LogSink>();
  private readonly main: winston.Logger;
  private readonly failedLog: winston.Logger;
  private readonly accessLines: LineBatch;
  private readonly format: winston.Logform.Format;
  /** What an access line holds between its time and its request id. */
  private readonly accessHead: string;

  constructor(opts: MultLoggerOptions) {
    this.opts = { level: 'info', keepDays: 14, stdout: true, tag: '', ...opts };
    this.dir = path.join(opts.dir, opts.service);
    const tag = this.opts.tag ? `[${this.opts.tag}] ` : '';
    this.format = winston.format.combine(addRequestId(), winston.format.timestamp(), lineFormat(tag));
    this.accessHead = ` INFO ${tag}[`;
    this.main = this.file('info', this.opts.level);
    // Every failure is also written to `main`, which mirrors it to stderr: this one only to its file.
    this.failedLog = this.createLogger('failed', 'warn', false);
    const access = this.openFile('access');
    this.accessLines = new LineBatch(this.opts.stdout ? [access, stdSinks().out] : [access]);
  }

  /** A logger writing to `<name>-YYYY-MM-DD.log`; created once per name. */
  file(name: string, level = this.opts.level): winston.Logger {
    return this.loggers.get(name) ?? this.createLogger(name, level, this.opts.stdout);
  }

  info(msg: string, meta?: Meta): void {
    this.main.info(msg, meta);
  }

  warn(msg: string, meta?: Meta): void {
    this.main.warn(msg, meta);
  }

  debug(msg: string, meta?: Meta): void {
    this.main.debug(msg, meta);
  }

  /**
   * A failure: goes to `failed-*.log` and to info (so one file tells the whole story); on
   * stderr it appears once.
   */
  failed(msg: string, meta?: Meta): void {
    const m = meta instanceof Error ? { error: meta } : meta;
    this.failedLog.error(msg, m);
    this.main.error(msg, m);
  }

  /**
   * One access line, same format as the others, to the `access-` file (and stdout). Not through
   * a winston logger, whose stream pipeline costs more than a small request, and written in
   * batches, one write per sink every `FLUSH_MS` (`LineBatch`): access lines come one per request.
   */
  access(msg: string, rid?: string): void {
    this.accessLines.push(`${new Date().toISOString()}${this.accessHead}${rid ?? '-'}] ${redactText(msg)}`);
  }

  /** Writes the pending batch of access lines now (at close or exit: a batch otherwise waits up to `FLUSH_MS`). */
  flushAccess(): void {
    this.accessLines.flush();
  }

  setLevel(level: string): void {
    this.main.level = level;
  }

  /**
   * Reopens every log file, e.g. after logrotate moved or deleted one (SIGHUP); a failed
   * sink, stdout or stderr included, tries to recover now instead of at its next retry.
   */
  reopen(): void {
    for (const sink of this.files.values()) sink.reopen();
    if (this.opts.stdout) for (const sink of Object.values(stdSinks())) sink.reopen();
  }

  private createLogger(name: string, level: string, mirror: boolean): winston.Logger {
    const transport = sinkTransport({
      file: this.openFile(name),
      std: mirror ? { ...stdSinks(), errLevels: STDERR_LEVELS } : undefined,
    });
    const logger = winston.createLogger({ level, format: this.format, transports: [transport] });
    this.loggers.set(name, logger);
    return logger;
  }

  private openFile(name: string): LogSink {
    const sink = new LogSink(new DailyFileTarget({ dir: this.dir, name, keepDays: this.opts.keepDays }));
    this.files.set(name, sink);
    return sink;
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.loggers.values()].map(
        (logger) =>
          new Promise<void>((resolve) => {
            logger.on('finish', () => resolve());
            logger.end();
            setTimeout(resolve, 500).unref();
          }),
      ),
    );
    this.accessLines.flush();
    for (const sink of this.files.values()) sink.close();
  }
}
