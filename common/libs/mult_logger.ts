import path from 'node:path';
import { MESSAGE } from 'triple-beam';
import winston from 'winston';
import DailyRotateFile from 'winston-daily-rotate-file';
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

const noop = () => {};

const addRequestId = winston.format((info) => {
  if (info.rid === undefined) info.rid = currentRequestId();
  return info;
});

/**
 * The service logger: `info-`, `failed-`, `access-` and named extra files under
 * `run_logs/<service>/`, rotated daily and kept `keepDays`, plus stdout.
 * Every line carries the request id of the request it was written in.
 */
export class MultLogger {
  readonly dir: string;
  private readonly opts: Required<MultLoggerOptions>;
  private readonly loggers = new Map<string, winston.Logger>();
  private readonly files = new Map<string, DailyRotateFile>();
  private readonly main: winston.Logger;
  private readonly failedLog: winston.Logger;

  constructor(opts: MultLoggerOptions) {
    this.opts = { level: 'info', keepDays: 14, stdout: true, ...opts };
    this.dir = path.join(opts.dir, opts.service);
    this.main = this.file('info', this.opts.level);
    this.failedLog = this.file('failed', 'warn');
    this.openFile('access');
  }

  /** A logger writing to `<name>-YYYY-MM-DD.log`; created once per name. */
  file(name: string, level = this.opts.level): winston.Logger {
    let logger = this.loggers.get(name);
    if (logger) return logger;
    const transports: winston.transport[] = [this.openFile(name)];
    if (this.opts.stdout) {
      transports.push(new winston.transports.Console({ stderrLevels: ['error', 'warn'] }));
    }
    logger = winston.createLogger({
      level,
      format: winston.format.combine(addRequestId(), winston.format.timestamp(), lineFormat),
      transports,
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
   * One access line, same format as the others. Written straight to the rotating file (and
   * stdout), not through a winston logger: its stream pipeline costs more per request than
   * the request itself, and access lines are one per request.
   */
  access(msg: string, rid?: string): void {
    const line = `${new Date().toISOString()} INFO [${rid ?? '-'}] ${redactText(msg)}`;
    this.files.get('access')?.log?.({ level: 'info', message: msg, [MESSAGE]: line }, noop);
    if (this.opts.stdout) process.stdout.write(`${line}\n`);
  }

  setLevel(level: string): void {
    this.main.level = level;
  }

  /** Closes and reopens every log file, e.g. after logrotate moved or deleted one (SIGHUP). */
  reopen(): void {
    for (const [name, old] of [...this.files]) {
      const logger = this.loggers.get(name);
      if (logger) logger.remove(old);
      old.close?.();
      const fresh = this.openFile(name);
      if (logger) logger.add(fresh);
    }
  }

  private openFile(name: string): DailyRotateFile {
    const file = new DailyRotateFile({
      dirname: this.dir,
      filename: `${name}-%DATE%.log`,
      datePattern: 'YYYY-MM-DD',
      maxFiles: `${this.opts.keepDays}d`,
      auditFile: path.join(this.dir, `.${name}-audit.json`),
    });
    this.files.set(name, file);
    return file;
  }

  async close(): Promise<void> {
    const all = [...this.loggers.values()];
    const access = this.files.get('access');
    await Promise.all([
      new Promise<void>((resolve) => {
        if (!access?.logStream) return resolve();
        access.logStream.end(() => resolve());
        setTimeout(resolve, 500).unref();
      }),
      ...all.map(
        (logger) =>
          new Promise<void>((resolve) => {
            logger.on('finish', () => resolve());
            logger.end();
            setTimeout(resolve, 500).unref();
          }),
      ),
    ]);
  }
}
