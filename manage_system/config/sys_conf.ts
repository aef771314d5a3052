import { BaseConf, extendConfSchema } from '../../common/libs/base_conf.js';

export class SysConf extends BaseConf {
  override SERVER_NAME = 'manage_system';
  override SERVER_ID = 'manage_system_01';
  override RUN_PORT = 8001;
  override DB = { default: 'sqlite:run_data/manage_system.sqlite' };
  override MODEL_LIST = [
    'common/model_db/login_session',
    'manage_system/db_model/account',
    'manage_system/db_model/records_login',
    'manage_system/db_model/guard_login',
  ];
  /** guidance_ws owns these tables; the guidance messages API writes to them. */
  override READ_MODELS = ['common/model_db/guidance_room', 'common/model_db/guidance_message'];
  /** Password of the `admin` created on first start; empty means generate one and print it once. */
  ADMIN_PASSWORD = '';
  SESSION_TTL_SECONDS = 8 * 3600;
  LOGIN_MAX_FAILURES = 5;
  LOGIN_WINDOW_MINUTES = 15;
  LOGIN_LOCK_MINUTES = 15;
  /**
   * Login attempts that did not succeed, per client address (IPv6: per /64) and window,
   * whatever the usernames; past them: 429. Counted in Redis when there is one (every
   * instance shares the count), else in the process.
   */
  LOGIN_IP_MAX_FAILURES = 50;
  LOGIN_IP_WINDOW_SECONDS = 900;
  RECORDS_KEEP_DAYS = 90;
  PURGE_RECORDS_CRON = '17 3 * * *';
  EXPIRE_SESSIONS_CRON = '*/10 * * * *';

  static override SECRET_KEYS = [...BaseConf.SECRET_KEYS, 'ADMIN_PASSWORD'];
  /** Read per request or per run, so a SIGHUP can change them (see BaseConf.RELOADABLE). */
  static override RELOADABLE = [
    ...BaseConf.RELOADABLE,
    'SESSION_TTL_SECONDS',
    'RECORDS_KEEP_DAYS',
    'LOGIN_IP_MAX_FAILURES',
    'LOGIN_IP_WINDOW_SECONDS',
  ];

  static override schema = extendConfSchema(BaseConf.schema, {
    ADMIN_PASSWORD: { type: 'string', anyOf: [{ maxLength: 0 }, { minLength: 8, maxLength: 128 }] },
    SESSION_TTL_SECONDS: { type: 'integer', minimum: 5 },
    LOGIN_MAX_FAILURES: { type: 'integer', minimum: 1 },
    LOGIN_WINDOW_MINUTES: { type: 'integer', minimum: 1 },
    LOGIN_LOCK_MINUTES: { type: 'integer', minimum: 1 },
    LOGIN_IP_MAX_FAILURES: { type: 'integer', minimum: 1 },
    LOGIN_IP_WINDOW_SECONDS: { type: 'integer', minimum: 1 },
    RECORDS_KEEP_DAYS: { type: 'integer', minimum: 1 },
    PURGE_RECORDS_CRON: { type: 'string', minLength: 9 },
    EXPIRE_SESSIONS_CRON: { type: 'string', minLength: 9 },
  });
}
