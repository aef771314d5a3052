import type { MultLogger } from '../../common/libs/mult_logger.js';
import { GuidanceMessage } from '../../common/model_db/guidance_message.js';
import { GuidanceRoom } from '../../common/model_db/guidance_room.js';
import { guideFrame } from './frame.js';
import type { Member } from './member.js';

const PAGE = 500;

/**
 * A room on this instance: its local members and `head`, the highest seq dispatched to them.
 * Messages arrive from the bus in any order and possibly with holes (another instance's
 * publish overtaken, or lost in a Redis blip); the room fills every hole from the database
 * before going on, so members see each seq once, in order. Slow steps run one at a time.
 */
export class Room {
  readonly members = new Set<Member>();
  /** -1 until the room has read where the database stands. */
  head = -1;
  private pending = 0;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    private readonly log: MultLogger,
  ) {}

  get idle(): boolean {
    return this.pending === 0 && this.members.size === 0;
  }

  /** Resolves once `head` is known: a member registered after this misses nothing past `head`. */
  ready(): Promise<void> {
    if (this.head >= 0 && this.pending === 0) return Promise.resolve();
    return this.enqueue(() => this.open());
  }

  /** A message announced on the bus; the common case (next seq, nothing queued) dispatches at once. */
  live(seq: number, frame: Buffer): void {
    if (this.pending === 0 && seq === this.head + 1) {
      this.dispatch(seq, frame);
      return;
    }
    void this.enqueue(async () => {
      await this.open();
      if (seq <= this.head) return;
      if (seq > this.head + 1) await this.fillTo(seq - 1);
      if (seq > this.head) this.dispatch(seq, frame);
    });
  }

  /** The database says the room reached `last`: fetch and dispatch whatever this instance missed. */
  catchUpTo(last: number): void {
    if (this.pending === 0 && last <= this.head) return;
    void this.enqueue(async () => {
      await this.open();
      await this.fillTo(last);
    });
  }

  private async open(): Promise<void> {
    if (this.head < 0) this.head = await GuidanceRoom.lastSeq(this.name);
  }

  private async fillTo(target: number): Promise<void> {
    while (this.head < target) {
      const rows = await GuidanceMessage.after(this.name, this.head, PAGE, target);
      if (!rows.length) {
        this.head = target; // purged by age: nothing left to send
        return;
      }
      for (const row of rows) this.dispatch(row.seq, guideFrame(JSON.stringify(row.toGuide())));
    }
  }

  private dispatch(seq: number, frame: Buffer): void {
    this.head = seq;
    for (const member of this.members) member.offer(seq, frame);
  }

  /** Runs `step` after the ones before it; a failure is logged and the next publish or tick retries. */
  private enqueue(step: () => Promise<void>): Promise<void> {
    this.pending++;
    const run = this.tail.then(step);
    this.tail = run
      .catch((err: Error) => this.log.warn(`room ${this.name}: reading the database failed`, { error: err.message }))
      .finally(() => {
        this.pending--;
      });
    return run;
  }
}
