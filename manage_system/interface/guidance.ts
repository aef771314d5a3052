import { ApiError } from '../../common/libs/api_error.js';
import { busWithin } from '../../common/libs/bus_registry.js';
import { StaCode } from '../../common/libs/sta_code.js';
import { Role } from '../../common/model_db/account_role.js';
import {
  encodeGuideBody,
  GUIDE_BODY_MAX_BYTES,
  GUIDE_BODY_SCHEMA,
  GUIDE_MESSAGE_SCHEMA,
  GUIDE_ROOM_SCHEMA,
  postGuidance,
} from '../../common/partner/guidance_post.js';
import { type ManageSpec, ManageView } from '../api_base.js';
import { sysConf } from '../config/index.js';

/** How long a post waits for the bus the first time; gateways catch up from the database anyway. */
const BUS_WAIT_MS = 2000;

/** `POST /guidance/rooms/:room/messages`: stores a guidance message and notifies the gateways (operator). */
export class GuidanceMessageListView extends ManageView {
  static override spec: Record<string, ManageSpec> = {
    post: {
      summary: 'Send a guidance message to a room: stored with the next seq, then pushed to its WebSocket clients',
      role: Role.OPERATOR,
      params: { type: 'object', required: ['room'], properties: { room: GUIDE_ROOM_SCHEMA } },
      body: { type: 'object', required: ['body'], properties: { body: GUIDE_BODY_SCHEMA } },
      status: 201,
      answer: GUIDE_MESSAGE_SCHEMA,
    },
  };

  async post() {
    const { room } = this.params<{ room: string }>();
    const { body } = this.body<{ body: unknown }>();
    const bodyJson = encodeGuideBody(body, GUIDE_BODY_MAX_BYTES);
    if (bodyJson === undefined) {
      throw new ApiError(StaCode.BAD_ARGUMENT, `body.body: larger than ${GUIDE_BODY_MAX_BYTES} bytes`, { field: 'body.body' });
    }
    // The launcher may not open the bus; the first post does, once, for the whole process.
    const bus = await busWithin(sysConf.REDIS.default, BUS_WAIT_MS);
    const input = { room, body, sender: this.session.username, senderId: this.session.account_id };
    const stored = await postGuidance(input, bodyJson, bus);
    this.log.info(`guidance #${stored.data.seq} to room ${room} by ${this.session.username}`);
    return this.answer(stored.data, { status: 201 });
  }
}
