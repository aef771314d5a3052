import type { Bus } from '../../common/libs/bus.js';
import { dependencyFailure } from '../../common/libs/dependency_down.js';
import type { MultLogger } from '../../common/libs/mult_logger.js';
import { warnThrottled } from '../../common/libs/service_log.js';
import { GuidanceRoom } from '../../common/model_db/guidance_room.js';
import { GUIDE_CHANNEL } from '../../common/partner/guidance_post.js';
import type { Conn } from './connection.js';
import { guideFrame } from './frame.js';
import { Member } from './member.js';
import { Room } from './room.js';

/**
 * The rooms that have members on this instance. Stored messages reach them from the bus;
 * a timer also compares each room with the database, which covers a missed publish (Redis
 * blip, a sender that died between commit and publish, or manage_system in the embedded
 * default, whose in-process bus cannot reach this process).
 */
export class RoomHub {
  private readonly rooms = new Map<string, Room>();
  private unsubscribe: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(private readonly log: MultLogger) {}

  async start(bus: Bus, catchUpEveryMs: number): Promise<void> {
    this.unsubscribe = await bus.subscribe(GUIDE_CHANNEL, (payload) => this.onPublished(payload));
    this.timer = setInterval(() => void this.poll(), catchUpEveryMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.unsubscribe?.();
  }

  /** The room, ready to take a member: registered after this, the member misses nothing past `room.head`. */
  async open(name: string): Promise<Room> {
    for (;;) {
      let room = this.rooms.get(name);
      if (!room) this.rooms.set(name, (room = new Room(name, this.log)));
      await room.ready();
      if (this.rooms.get(name) === room) return room;
    }
  }

  /** Adds `conn` to a room got from `open` (replacing an earlier join), paused until `member.start`. */
  join(conn: Conn, room: Room, since: number): Member {
    const previous = conn.member(room.name);
    if (previous) this.leave(previous);
    const member = new Member(conn, room.name, since);
    room.members.add(member);
    conn.members.push(member);
    return member;
  }

  leave(member: Member): void {
    member.active = false;
    this.rooms.get(member.room)?.members.delete(member);
    const { members } = member.conn;
    const at = members.indexOf(member);
    if (at >= 0) members.splice(at, 1);
  }

  private onPublished(payload: string): void {
    let seq: number;
    let room: Room | undefined;
    try {
      const data = JSON.parse(payload) as { room: string; seq: number };
      room = this.rooms.get(data.room);
      seq = data.seq;
    } catch {
      warnThrottled('guidance:bus-payload', 'ignored a malformed guidance payload on the bus');
      return;
    }
    room?.live(seq, guideFrame(payload));
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const [name, room] of this.rooms) if (room.idle) this.rooms.delete(name);
      const last = await GuidanceRoom.lastSeqs([...this.rooms.keys()]);
      for (const [name, seq] of last) this.rooms.get(name)?.catchUpTo(seq);
    } catch (err) {
      // An outage has its own down/back lines (dependency_state.ts).
      if (!dependencyFailure(err))
        warnThrottled('guidance:poll', 'guidance catch-up poll failed', { error: (err as Error).message });
    } finally {
      this.polling = false;
    }
  }
}
