import path from 'node:path';
import winston from 'winston';
import { LineBatch } from './log_batch.js';
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
}

type Meta = Record<string, unknown> | Error | undefined;

/** One line: time, level, request id, message, redacted meta as JSON. */
function formatLine(timestamp: string, level: string, rid: unknown, message: string, meta: Record<string, unknown>): string {
  const rest = Object.keys(meta).length ? ` ${JSON.stringify(redactValue(meta))}` : '';
  return `${timestamp} ${level.toUpperCase()} [${rid ?? '-'}] ${redactText(message)}${rest}`;
}

const lineFormat = winston.format.printf((info) => {
  const { level, message, timestamp, rid, ...meta } = info as Record<string, unknown>;
  return formatLine(String(timestamp), String(level), rid, String(message), meta);
});

const STDERR_LEVELS: ReadonlySet<string> = new Set(['error', 'warn']);

let std: { out: LogSink; err: LogSink } | undefined;

/** stdout and stderr are one each per process, so are their sinks (one notice, one count). */
function stdSinks(): { out: LogSink; err: LogSink } {
  std ??= {
    out: new LogSink(new StdTarget(process.stdout, 'stdout')),
    err: new LogSink(new StdTarget(process.stderr, 'stderr')),
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

  constructor(opts: MultLoggerOptions) {
    this.opts = { level: 'info', keepDays: 14, stdout: true, ...opts };
    this.dir = path.join(opts.dir, opts.service);
    this.main = this.file('info', this.opts.level);
    this.failedLog = this.file('failed', 'warn');
    const access = this.openFile('access');
    this.accessLines = new LineBatch(this.opts.stdout ? [access, stdSinks().out] : [access]);
  }

  /** A logger writing to `<name>-YYYY-MM-DD.log`; created once per name. */
  file(name: string, level = this.opts.level): winston.Logger {
    let logger = this.loggers.get(name);
    if (logger) return logger;
    const transport = sinkTransport({
      file: this.openFile(name),
      std: this.opts.stdout ? { ...stdSinks(), errLevels: STDERR_LEVELS } : undefined,
    });
    logger = winston.createLogger({
      level,
      format: winston.format.combine(addRequestId(), winston.format.timestamp(), lineFormat),
      transports: [transport],
    });
    this.loggers.set(name, logger);
    return logger;
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

  /** A failure: goes to `failed-*.log` (and to info, so one file tells the whole story). */
  failed(msg: string, meta?: Meta): void {
    const m = meta instanceof Error ? { error: meta } : meta;
    this.failedLog.error(msg, m);
    this.main.error(msg, m);
  }

  /**
   * One access line, same format as the others, to the `access-` file (and stdout). Not through
   * a winston logger, whose stream pipeline costs more than a small request, and written in
   * batches, one write per event-loop turn (`LineBatch`): access lines come one per request.
   */
  access(msg: string, rid?: string): void {
    this.accessLines.push(`${new Date().toISOString()} INFO [${rid ?? '-'}] ${redactText(msg)}`);
  }

  /** Writes the pending batch of access lines now (at exit: a batch otherwise waits for the next turn). */
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
