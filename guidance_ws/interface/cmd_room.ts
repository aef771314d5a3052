import { ApiError } from '../../common/libs/api_error.js';
import { INT32_MAX } from '../../common/libs/number_bounds.js';
import { StaCode } from '../../common/libs/sta_code.js';
import { GuidanceRoom } from '../../common/model_db/guidance_room.js';
import { GUIDE_ROOM_SCHEMA } from '../../common/partner/guidance_post.js';
import { progressRc } from '../rc_model/progress_rc.js';
import type { Command } from './commands.js';
import type { Conn } from './connection.js';
import type { Member } from './member.js';

const SEQ_OR_ZERO = { type: 'integer', minimum: 0, maximum: INT32_MAX } as const;
const ROOM_ONLY = { type: 'object', required: ['room'], properties: { room: GUIDE_ROOM_SCHEMA } } as const;
const ROOM_AND_SEQ = {
  type: 'object',
  required: ['room', 'seq'],
  properties: { room: GUIDE_ROOM_SCHEMA, seq: { type: 'integer', minimum: 1, maximum: INT32_MAX } },
} as const;

function joined(conn: Conn, room: string): Member {
  const member = conn.member(room);
  if (!member) throw new ApiError(StaCode.NOT_FOUND, `data.room: ${room} is not joined`, { field: 'data.room' });
  return member;
}

/**
 * `join {room, since?}` -> `{room, since, last_seq}`, then every stored message after `since`
 * in order, then live ones. Without `since` it resumes from the account's last ack, else
 * from now. A `since` past the room's last seq counts as the last seq. The database is read
 * only for a `since` ahead of what this instance has dispatched.
 */
export const joinCommand: Command = {
  summary:
    'joins a room: the reply, then every stored message with seq > `since` in order, then live ones; without `since` it resumes from the last ack, else from now',
  replyData: {
    type: 'object',
    required: ['room', 'since', 'last_seq'],
    properties: { room: GUIDE_ROOM_SCHEMA, since: SEQ_OR_ZERO, last_seq: SEQ_OR_ZERO },
    additionalProperties: false,
  },
  schema: {
    type: 'object',
    required: ['room'],
    properties: { room: GUIDE_ROOM_SCHEMA, since: SEQ_OR_ZERO },
  },
  async run(conn, data: { room: string; since?: number }) {
    const { room } = data;
    const max = conn.gw.conf.WS_MAX_ROOMS;
    if (!conn.member(room) && conn.members.length >= max) {
      throw new ApiError(StaCode.CONFLICT, `data.room: a connection may join at most ${max} rooms`, { field: 'data.room' });
    }
    const wanted = data.since ?? (await progressRc.find(conn.session.account_id, room));
    let lastSeq = 0;
    if (wanted !== null && wanted > (await conn.gw.hub.open(room)).head) lastSeq = await GuidanceRoom.lastSeq(room);
    const opened = await conn.gw.hub.open(room);
    // No await from here to the reply: the member replays up to what the room has dispatched so far.
    const upto = Math.max(lastSeq, opened.head);
    const since = wanted === null ? upto : Math.min(wanted, upto);
    const member = conn.gw.hub.join(conn, opened, since);
    return { data: { room, since, last_seq: upto }, afterReply: () => member.start(upto) };
  },
};

/** `leave {room}` -> `{room}`: no more messages of that room on this socket. */
export const leaveCommand: Command = {
  summary: 'leaves a joined room: no more of its messages on this socket',
  schema: ROOM_ONLY,
  replyData: { ...ROOM_ONLY, additionalProperties: false },
  async run(conn, data: { room: string }) {
    conn.gw.hub.leave(joined(conn, data.room));
    return { data: { room: data.room } };
  },
};

/** `ack {room, seq}` -> `{room, seq}`: stores the account's progress (never lowered) up to a delivered seq. */
export const ackCommand: Command = {
  summary:
    "stores the account's progress in a joined room up to a delivered seq; the reply holds the stored progress (never lowered)",
  schema: ROOM_AND_SEQ,
  replyData: { ...ROOM_AND_SEQ, additionalProperties: false },
  async run(conn, data: { room: string; seq: number }) {
    const member = joined(conn, data.room);
    if (data.seq > member.last) {
      throw new ApiError(StaCode.BAD_ARGUMENT, `data.seq: beyond the last delivered seq ${member.last}`, { field: 'data.seq' });
    }
    const seq = await progressRc.advance(conn.session.account_id, data.room, data.seq);
    return { data: { room: data.room, seq } };
  },
};
