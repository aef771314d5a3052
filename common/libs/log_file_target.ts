import fs from 'node:fs';
import path from 'node:path';
import type { LineTarget } from './log_sink.js';

export interface DailyFileOptions {
  dir: string;
  /** Files are `<name>-YYYY-MM-DD.log` (local date). */
  name: string;
  /** Files of days older than this many days are deleted when a day's file is opened. */
  keepDays: number;
}

/** How often the path is checked to still name the open file (deleted or moved away), in ms. */
const FOLLOW_MS = 1000;

const pad = (n: number) => String(n).padStart(2, '0');
const localDay = (t: Date) => `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `<dir>/<name>-YYYY-MM-DD.log`, a new file each local day, appended with synchronous writes
 * so that a failure is known, with its code, for the very line that hit it. Within a second
 * of the file being deleted or moved away it opens a new one at the path.
 */
export class DailyFileTarget implements LineTarget {
  private fd: number | undefined;
  private day = '';
  private nextDayAt = 0;
  private checkedAt = 0;
  private ino = 0;
  private dev = 0;

  constructor(private readonly opts: DailyFileOptions) {}

  get label(): string {
    return `${this.opts.name}-${this.day || localDay(new Date())}.log`;
  }

  write(line: string, done: (err?: Error | null) => void): void {
    try {
      const now = Date.now();
      if (this.fd === undefined || now >= this.nextDayAt) this.open(now);
      else if (now - this.checkedAt >= FOLLOW_MS) this.follow(now);
      writeAll(this.fd as number, `${line}\n`);
    } catch (err) {
      done(err as Error);
      return;
    }
    done();
  }

  reopen(): void {
    this.close();
    this.open(Date.now());
  }

  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      fs.closeSync(fd);
    } catch {
      // closing a file on a failed disk can report the failed write again; the fd is gone either way
    }
  }

  private open(now: number): void {
    this.close();
    const today = new Date(now);
    const day = localDay(today);
    fs.mkdirSync(this.opts.dir, { recursive: true });
    const fd = fs.openSync(path.join(this.opts.dir, `${this.opts.name}-${day}.log`), 'a');
    const stat = fs.fstatSync(fd);
    this.fd = fd;
    this.ino = stat.ino;
    this.dev = stat.dev;
    this.checkedAt = now;
    this.nextDayAt = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1).getTime();
    if (day !== this.day) this.prune(today);
    this.day = day;
  }

  /** Reopens when the path no longer names the open file (logrotate without SIGHUP, rm). */
  private follow(now: number): void {
    this.checkedAt = now;
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(path.join(this.opts.dir, `${this.opts.name}-${this.day}.log`));
    } catch {
      // gone, or the directory is no directory any more: opening again says which
    }
    if (!stat || stat.ino !== this.ino || stat.dev !== this.dev) this.open(now);
  }

  private prune(today: Date): void {
    const oldest = localDay(new Date(today.getFullYear(), today.getMonth(), today.getDate() - this.opts.keepDays));
    const prefix = `${this.opts.name}-`;
    try {
      for (const file of fs.readdirSync(this.opts.dir)) {
        const day = file.slice(prefix.length, -'.log'.length);
        if (!file.startsWith(prefix) || !file.endsWith('.log') || !DAY.test(day) || day >= oldest) continue;
        fs.rmSync(path.join(this.opts.dir, file), { force: true });
      }
    } catch {
      // retention is best effort: a file that cannot be deleted now is tried again tomorrow
    }
  }
}

/**
 * Writes the text as given (Node encodes it into a scratch buffer freed at once): a Buffer
 * made here would hold its native memory until a garbage collection, and a busy gateway
 * writing a line per socket grows its malloc heap with them (test/rescript_bench_ws.ts).
 * fs.writeSync may write part of it (a disk filling up); the rest, or the error, follows.
 */
function writeAll(fd: number, text: string): void {
  const written = fs.writeSync(fd, text);
  if (written === Buffer.byteLength(text)) return;
  const rest = Buffer.from(text).subarray(written);
  let done = 0;
  while (done < rest.length) done += fs.writeSync(fd, rest, done);
}
