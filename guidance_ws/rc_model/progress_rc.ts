import { RcModel } from '../../common/libs/rc_model.js';
import { ACK_TABLE, Ack } from '../db_model/ack.js';

// Key: gui_ack:<account_id>:<room> -> the acknowledged seq, 0 for none yet (acks start at 1), for an
// hour; dropped on every ack.
const TTL_SECONDS = 3600;

/** An account's acknowledged progress per room: where `join` without `since` resumes. */
class ProgressRc extends RcModel<number> {
  protected readonly prefix = ACK_TABLE;
  protected override readonly ttlSeconds = TTL_SECONDS;

  /** The acknowledged seq, or null when the account never acknowledged the room. */
  async find(accountId: number, room: string): Promise<number | null> {
    const load = async () => (await Ack.findOne({ where: { account_id: accountId, room } }))?.seq ?? 0;
    return (await this.getOrLoad(`${accountId}:${room}`, load)) || null;
  }

  /** Stores the progress (it never goes down) and drops the cached copy; answers the stored seq. */
  async advance(accountId: number, room: string, seq: number): Promise<number> {
    const stored = await Ack.advance(accountId, room, seq);
    await this.invalidate(`${accountId}:${room}`);
    return stored;
  }
}

export const progressRc = new ProgressRc();
