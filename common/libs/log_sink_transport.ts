import { Writable } from 'node:stream';
import { MESSAGE } from 'triple-beam';
import winston from 'winston';
import type { LogSink } from './log_sink.js';

export interface SinkTransportOptions {
  /** Gets every line. */
  file: LogSink;
  /** Also gets every line: `err` for the `errLevels`, else `out` (journald reads both). */
  std?: { out: LogSink; err: LogSink; errLevels: ReadonlySet<string> };
}

/**
 * A winston transport that hands each formatted line to {@link LogSink}s, which survive any
 * failure of what is behind them; so a logger built on it never emits 'error'.
 */
export function sinkTransport(sinks: SinkTransportOptions): winston.transport {
  const { file, std } = sinks;
  const stream = new Writable({
    objectMode: true,
    write: function writeToSinks(info: Record<string | symbol, unknown>, _encoding, callback) {
      const line = String(info[MESSAGE]);
      file.write(line);
      if (std) (std.errLevels.has(String(info.level)) ? std.err : std.out).write(line);
      callback();
    },
  });
  return new winston.transports.Stream({ stream });
}
