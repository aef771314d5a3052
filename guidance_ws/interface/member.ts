import { GuidanceMessage } from '../../common/model_db/guidance_message.js';
import { Close } from './close_codes.js';
import type { Conn } from './connection.js';
import { guideFrame } from './frame.js';

const PAGE = 200;
const DRAIN_POLL_MS = 50;

/**
 * One socket in one room. `last` is the highest seq this socket has been sent, so every seq
 * reaches it once and in order. Live messages go straight out while the socket keeps up;
 * after a gap, or when too much is queued to a slow client, the member pauses its live
 * feed and reads the database instead, one page at a time, as the socket drains.
 */
export class Member {
  active = true;
  /** Paused members note the highest live seq they skipped, to read up to it. */
  private paused = true;
  private missed = 0;

  constructor(
    readonly conn: Conn,
    readonly room: string,
    public last: number,
  ) {}

  /** Ends the initial pause (after the join reply): replays from the database up to `upto`, then goes live. */
  start(upto: number): void {
    this.missed = Math.max(this.missed, upto);
    void this.catchUp();
  }

  /** A live message of the room, in seq order. */
  offer(seq: number, frame: Buffer): void {
    if (seq <= this.last) return;
    if (this.paused) {
      if (seq > this.missed) this.missed = seq;
      return;
    }
    if (seq !== this.last + 1 || this.conn.congested()) {
      this.paused = true;
      this.missed = seq;
      void this.catchUp();
      return;
    }
    this.conn.push(frame);
    this.last = seq;
  }

  private async catchUp(): Promise<void> {
    try {
      while (this.active && !this.conn.closed) {
        if (this.last >= this.missed) {
          this.paused = false;
          return;
        }
        if (!(await this.drained())) return;
        const rows = await GuidanceMessage.after(this.room, this.last, PAGE, this.missed);
        if (!this.active) return;
        // Rows purged by age leave nothing to read: count them as passed.
        if (!rows.length) this.last = this.missed;
        for (const row of rows) {
          this.conn.push(guideFrame(JSON.stringify(row.toGuide())));
          this.last = row.seq;
          if (this.conn.congested()) break; // the rest of the page is read again once drained
        }
      }
    } catch (err) {
      this.conn.gw.log.failed(`catch-up of room ${this.room} failed`, { rid: this.conn.id, error: err as Error });
      this.conn.close(Close.CATCHUP_FAILED.code, 'catch-up failed, reconnect with since');
    }
  }

  /** Waits until the socket's queue is below half the limit; a client stuck longer than allowed is closed. */
  private async drained(): Promise<boolean> {
    const { WS_MAX_BUFFERED_BYTES: limit, WS_SLOW_CLOSE_MS: patience } = this.conn.gw.conf;
    const deadline = Date.now() + patience;
    while (this.conn.ws.bufferedAmount > limit / 2) {
      if (this.conn.closed || !this.active) return false;
      if (Date.now() > deadline) {
        this.conn.close(Close.SLOW_CONSUMER.code, 'slow consumer, reconnect with since');
        return false;
      }
      await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
    }
    return true;
  }
}
