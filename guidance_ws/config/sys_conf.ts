import { BaseConf, extendConfSchema } from '../../common/libs/base_conf.js';
import { GUIDE_BODY_MAX_BYTES } from '../../common/partner/guidance_post.js';

export class SysConf extends BaseConf {
  override SERVER_NAME = 'guidance_ws';
  override SERVER_ID = 'guidance_ws_01';
  override RUN_PORT = 8002;
  /** The embedded default shares manage_system's file: sessions are read from it. */
  override DB = { default: 'sqlite:run_data/manage_system.sqlite' };
  /** The tables guidance_ws owns (manage_system writes messages too, through READ_MODELS). */
  override MODEL_LIST = ['common/model_db/guidance_room', 'common/model_db/guidance_message', 'guidance_ws/db_model/ack'];
  /** manage_system owns the sessions; guidance_ws only reads them. */
  override READ_MODELS = ['common/model_db/login_session'];
  /** Largest frame a client may send, in bytes; a larger one closes the socket with 1009. */
  WS_MAX_FRAME_BYTES = 64 * 1024;
  /** Largest message body (its JSON, in bytes) a `send` may carry. */
  GUIDE_BODY_MAX_BYTES = GUIDE_BODY_MAX_BYTES;
  /** Frames per second a client may send on average, and in a burst; past them: close 1008. */
  WS_RATE_PER_SECOND = 30;
  WS_RATE_BURST = 60;
  /** The server pings every interval; a client silent (no frame, no pong) past the timeout is dropped. */
  WS_PING_INTERVAL_MS = 20_000;
  WS_IDLE_TIMEOUT_MS = 60_000;
  /** Bytes queued to one client before its live feed pauses and it catches up from the database instead. */
  WS_MAX_BUFFERED_BYTES = 1024 * 1024;
  /** How long a client may stay that far behind before it is closed with 1013. */
  WS_SLOW_CLOSE_MS = 30_000;
  /**
   * Open sockets one session token, one account, one client address may hold on one
   * instance; past them the new socket is closed with 1008 and the limit's name.
   */
  WS_MAX_SOCKETS_PER_SESSION = 16;
  WS_MAX_SOCKETS_PER_ACCOUNT = 64;
  WS_MAX_SOCKETS_PER_ADDRESS = 512;
  /** Rooms one connection may join. */
  WS_MAX_ROOMS = 32;
  /** How often open sockets' sessions are checked again (revoked or expired: close 4401). */
  SESSION_CHECK_MS = 3000;
  /** How often rooms with clients here are compared with the database (catch-up after a missed publish). */
  CATCHUP_INTERVAL_MS = 1000;
  /** Messages older than this are purged by the daily script. */
  MESSAGE_KEEP_DAYS = 90;
  PURGE_MESSAGES_CRON = '37 3 * * *';

  static override schema = extendConfSchema(BaseConf.schema, {
    WS_MAX_FRAME_BYTES: { type: 'integer', minimum: 1024 },
    // A MySQL TEXT column holds 64 KiB.
    GUIDE_BODY_MAX_BYTES: { type: 'integer', minimum: 16, maximum: 65_000 },
    WS_RATE_PER_SECOND: { type: 'integer', minimum: 1 },
    WS_RATE_BURST: { type: 'integer', minimum: 1 },
    WS_PING_INTERVAL_MS: { type: 'integer', minimum: 50 },
    WS_IDLE_TIMEOUT_MS: { type: 'integer', minimum: 100 },
    WS_MAX_BUFFERED_BYTES: { type: 'integer', minimum: 1024 },
    WS_SLOW_CLOSE_MS: { type: 'integer', minimum: 100 },
    WS_MAX_SOCKETS_PER_SESSION: { type: 'integer', minimum: 1 },
    WS_MAX_SOCKETS_PER_ACCOUNT: { type: 'integer', minimum: 1 },
    WS_MAX_SOCKETS_PER_ADDRESS: { type: 'integer', minimum: 1 },
    WS_MAX_ROOMS: { type: 'integer', minimum: 1 },
    SESSION_CHECK_MS: { type: 'integer', minimum: 100 },
    CATCHUP_INTERVAL_MS: { type: 'integer', minimum: 100 },
    MESSAGE_KEEP_DAYS: { type: 'integer', minimum: 1 },
    PURGE_MESSAGES_CRON: { type: 'string', minLength: 9 },
  });
}
