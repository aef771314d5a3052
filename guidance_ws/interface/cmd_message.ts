import { ApiError } from '../../common/libs/api_error.js';
import { MAY_LAG } from '../../common/libs/db_replicas.js';
import { INT32_MAX } from '../../common/libs/number_bounds.js';
import { StaCode } from '../../common/libs/sta_code.js';
import { Role } from '../../common/model_db/account_role.js';
import { GuidanceMessage } from '../../common/model_db/guidance_message.js';
import {
  encodeGuideBody,
  GUIDE_BODY_SCHEMA,
  GUIDE_MESSAGE_SCHEMA,
  GUIDE_ROOM_SCHEMA,
  postGuidance,
} from '../../common/partner/guidance_post.js';
import type { Command } from './commands.js';

/** `ping` -> `pong {at}`: an application-level liveness check (the server also pings at protocol level). */
export const pingCommand: Command = {
  summary: 'application-level liveness check; the reply is `pong` with the server time',
  schema: { type: 'object', properties: {} },
  replyData: {
    type: 'object',
    required: ['at'],
    properties: { at: { type: 'string', format: 'date-time' } },
    additionalProperties: false,
  },
  reply: 'pong',
  async run() {
    return { data: { at: new Date().toISOString() } };
  },
};

/** `send {room, body}` -> `{room, seq, at}` once stored (operator or admin). */
export const sendCommand: Command = {
  summary:
    "stores a message in a room (operator or admin; body JSON at most GUIDE_BODY_MAX_BYTES) and answers once it is stored; starts at once, so its reply may overtake earlier frames' replies",
  schema: { type: 'object', required: ['room', 'body'], properties: { room: GUIDE_ROOM_SCHEMA, body: GUIDE_BODY_SCHEMA } },
  replyData: {
    type: 'object',
    required: ['room', 'seq', 'at'],
    properties: { room: GUIDE_ROOM_SCHEMA, seq: GUIDE_MESSAGE_SCHEMA.properties.seq, at: GUIDE_MESSAGE_SCHEMA.properties.at },
    additionalProperties: false,
  },
  pipelined: true,
  async run(conn, data: { room: string; body: unknown }) {
    const { session, gw } = conn;
    if (!Role.fromValue(session.role)?.includes(Role.OPERATOR)) {
      throw new ApiError(StaCode.FORBIDDEN, `role ${Role.OPERATOR.value} or higher is required to send`);
    }
    const bodyJson = encodeGuideBody(data.body, gw.conf.GUIDE_BODY_MAX_BYTES);
    if (bodyJson === undefined) {
      throw new ApiError(StaCode.BAD_ARGUMENT, `data.body: larger than ${gw.conf.GUIDE_BODY_MAX_BYTES} bytes`, {
        field: 'data.body',
      });
    }
    const input = { room: data.room, body: data.body, sender: session.username, senderId: session.account_id };
    const stored = await postGuidance(input, bodyJson, gw.bus);
    return { data: { room: data.room, seq: stored.data.seq, at: stored.data.at } };
  },
};

/** `history {room, before?, limit?}` -> `{room, items}`: the newest `limit` messages before `before`, oldest first. */
export const historyCommand: Command = {
  summary: 'the newest `limit` stored messages of a room before seq `before` (all when absent), oldest first',
  replyData: {
    type: 'object',
    required: ['room', 'items'],
    properties: { room: GUIDE_ROOM_SCHEMA, items: { type: 'array', items: GUIDE_MESSAGE_SCHEMA } },
    additionalProperties: false,
  },
  schema: {
    type: 'object',
    required: ['room'],
    properties: {
      room: GUIDE_ROOM_SCHEMA,
      before: { type: 'integer', minimum: 1, maximum: INT32_MAX },
      limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    },
  },
  async run(_conn, data: { room: string; before?: number; limit: number }) {
    // History may lag a replica by a moment; join catch-up and resume read the primary.
    const rows = await GuidanceMessage.before(data.room, data.before, data.limit, MAY_LAG);
    return { data: { room: data.room, items: rows.map((r) => r.toGuide()) } };
  },
};
