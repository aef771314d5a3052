const V4 = '((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(/(3[0-2]|[12]?[0-9]))?';
/** IPv4 strictly; IPv6 by its characters (`trustProxies` refuses the rest at start). */
const PROXY_PATTERN = `^(${V4}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*(/(12[0-8]|1[01][0-9]|[1-9]?[0-9]))?)$`;

/** One Redis server, or a Sentinel set: `redis-sentinel://host:port[,host:port...]/<master name>[?db=N]`. */
const REDIS_URL_PATTERN = '^(|rediss?://.*|redis-sentinel://([^@/]*@)?[^/?#@]+/[^/?#]+(\\?db=[0-9]{1,2})?)$';

/** The JSON schema of a config class's keys; subclasses extend it with `extendConfSchema`. */
export interface ConfSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
}

/**
 * Config base. A service declares `class SysConf extends BaseConf` and overrides at least
 * SERVER_NAME, SERVER_ID and RUN_PORT. `loadConf` fills the keys from
 * environment > `.env` > config file > these defaults, validates and freezes them.
 */
export class BaseConf {
  SERVER_NAME = '';
  SERVER_ID = '';
  RUN_PORT = 0;
  HOST = '127.0.0.1';
  /**
   * The URL clients reach the service at (e.g. `https://api.example.com` behind nginx), for
   * the OpenAPI `servers`; empty means `http://HOST:RUN_PORT`.
   */
  PUBLIC_URL = '';
  /** Default API version of the service's routes. */
  VER_CODE = 1;
  RUN_WORKER = 1;
  LOG_DIR = 'run_logs';
  LOG_LEVEL = 'info';
  LOG_KEEP_DAYS = 14;
  LOG_STDOUT = true;
  /** Named database URLs (`mysql://...` or `sqlite:path`); `default` is required. */
  DB: Record<string, string> = { default: '' };
  /**
   * Read replicas per `DB` entry: `{ "default": ["mysql://user:pass@replica1:3306/app"] }`
   * (environment: that JSON). Only reads that opt in with `MAY_LAG` (lists, CSV export,
   * history) use them; everything else, and every read while they are down, uses the primary.
   * A replica URL's missing user, password or database are its primary's. The entry must
   * exist and be MySQL/MariaDB (replicas of SQLite are a config error).
   */
  DB_REPLICAS: Record<string, string[]> = {};
  /** Most connections each MySQL/MariaDB database keeps open in this process. */
  DB_POOL_MAX = 10;
  /** How long a query waits for a free pooled connection before answering 503 "database busy", in milliseconds. */
  DB_POOL_ACQUIRE_MS = 5000;
  /**
   * Named Redis URLs; an empty `default` means the in-process cache and bus. An entry is one
   * server (`redis://[[user]:password@]host:port[/db]`, `rediss://` for TLS) or a Sentinel set:
   * `redis-sentinel://[[user]:password@]host1:26379,host2:26379,host3:26379/<master name>[?db=N]`
   * (sentinel addresses, port 26379 when left out; the name the sentinels monitor; user and
   * password for the primary and replicas). On a Sentinel set the clients follow failovers:
   * commands fail fast (503) while no primary is known, the bus subscriptions move to the new
   * primary, and each cron tick runs at most once (see cron_lease.ts).
   */
  REDIS: Record<string, string> = { default: '' };
  /**
   * Model modules (paths from the project root, no extension) that export `init(sequelize)`,
   * for the tables this service owns: its migrations create and change them.
   */
  MODEL_LIST: string[] = [];
  /** Model modules for tables another service owns and this one only uses: never migrated here. */
  READ_MODELS: string[] = [];
  /**
   * Apply pending migrations (`migrations/<SERVER_NAME>/`) at start-up. On for the embedded
   * default; production turns it off and runs `npm run db -- upgrade -t <service>` on deploy.
   */
  DB_AUTO_MIGRATE = true;
  /** Serve `/openapi.json`, its Swagger UI page `/docs` (and a gateway's `/asyncapi.json`) to anyone; false answers them 404. */
  API_DOCS = true;
  /** Origins allowed by CORS; empty means no cross-origin access. */
  CORS_ORIGINS: string[] = [];
  /**
   * Proxies (addresses or CIDR ranges) whose `X-Forwarded-For` names the client; empty: the
   * socket's peer is the client, and the header is ignored. When set, a safe `X-Request-Id`
   * is kept only from these peers (empty: from any).
   */
  TRUSTED_PROXIES: string[] = [];
  /** Largest accepted request body, in bytes. */
  BODY_LIMIT = 1024 * 1024;
  /** How long a graceful stop waits for in-flight work, in milliseconds. */
  DRAIN_TIMEOUT_MS = 10_000;
  /**
   * With RUN_WORKER > 1: more than this many worker deaths within WORKER_START_LIMIT_INTERVAL_SECONDS
   * is a crash loop; the primary then stops and exits 75 for the service manager (the words of
   * systemd's StartLimitBurst / StartLimitIntervalSec).
   */
  WORKER_START_LIMIT_BURST = 5;
  WORKER_START_LIMIT_INTERVAL_SECONDS = 60;
  /** Paths left out of the access log (probes would drown it). */
  ACCESS_LOG_SKIP: string[] = ['/health', '/ready'];
  /** Webhook that receives failure notices (a failed script, a burst of 500s); empty turns them off. */
  NOTIFY_WEBHOOK_URL = '';
  /** `json` (generic), `wecom` (WeCom group robot, markdown) or `wecom_text` (plain text, shown in WeChat too). */
  NOTIFY_FORMAT: 'json' | 'wecom' | 'wecom_text' = 'json';
  NOTIFY_TIMEOUT_MS = 3000;
  /** One notice (same kind and title) at most once per this many seconds; repeats are counted into the next. */
  NOTIFY_REPEAT_SECONDS = 300;
  /** Unhandled errors (500) within one minute that make a burst notice. */
  NOTIFY_500_BURST = 5;

  /**
   * Bearer token a Prometheus scrape of `/metrics` must send (`Authorization: Bearer <token>`).
   * With neither it nor METRICS_ALLOW set, `/metrics` answers 404: it is never public by default.
   */
  METRICS_TOKEN = '';
  /** Addresses or CIDR ranges (the client address, as TRUSTED_PROXIES makes it) that may scrape `/metrics` without the token. */
  METRICS_ALLOW: string[] = [];
  /** A `service_*` launcher (no public interface) serves `/metrics` on its own listener on this port; 0: none. */
  METRICS_PORT = 0;

  /** Keys whose values never reach a log. */
  static SECRET_KEYS: string[] = ['NOTIFY_WEBHOOK_URL', 'METRICS_TOKEN'];
  /**
   * Keys a SIGHUP re-reads (from `.env` and the config file; the environment is fixed at
   * start) and changes in place. A key belongs here only when the code reads it at use time.
   */
  static RELOADABLE: string[] = [
    'LOG_LEVEL',
    'NOTIFY_WEBHOOK_URL',
    'NOTIFY_FORMAT',
    'NOTIFY_TIMEOUT_MS',
    'NOTIFY_REPEAT_SECONDS',
    'NOTIFY_500_BURST',
  ];

  static schema: ConfSchema = {
    type: 'object',
    properties: {
      SERVER_NAME: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' },
      SERVER_ID: { type: 'string', minLength: 1 },
      RUN_PORT: { type: 'integer', minimum: 0, maximum: 65535 },
      HOST: { type: 'string', minLength: 1 },
      PUBLIC_URL: { type: 'string', pattern: '^(|https?://[^\\s?#]+)$' },
      VER_CODE: { type: 'integer', minimum: 1 },
      RUN_WORKER: { type: 'integer', minimum: 1, maximum: 64 },
      LOG_DIR: { type: 'string', minLength: 1 },
      LOG_LEVEL: { enum: ['error', 'warn', 'info', 'debug'] },
      LOG_KEEP_DAYS: { type: 'integer', minimum: 1 },
      LOG_STDOUT: { type: 'boolean' },
      DB: {
        type: 'object',
        required: ['default'],
        properties: { default: { type: 'string', pattern: '^(sqlite:|mysql://|mariadb://)' } },
        additionalProperties: { type: 'string', pattern: '^(sqlite:|mysql://|mariadb://)' },
      },
      DB_REPLICAS: {
        type: 'object',
        additionalProperties: { type: 'array', items: { type: 'string', pattern: '^(mysql|mariadb)://[^/\\s]+' } },
      },
      DB_POOL_MAX: { type: 'integer', minimum: 1, maximum: 1000 },
      DB_POOL_ACQUIRE_MS: { type: 'integer', minimum: 10 },
      REDIS: {
        type: 'object',
        required: ['default'],
        properties: { default: { type: 'string', pattern: REDIS_URL_PATTERN } },
        additionalProperties: { type: 'string', pattern: REDIS_URL_PATTERN },
      },
      MODEL_LIST: { type: 'array', items: { type: 'string', minLength: 1 } },
      READ_MODELS: { type: 'array', items: { type: 'string', minLength: 1 } },
      DB_AUTO_MIGRATE: { type: 'boolean' },
      API_DOCS: { type: 'boolean' },
      CORS_ORIGINS: { type: 'array', items: { type: 'string', minLength: 1 } },
      TRUSTED_PROXIES: { type: 'array', items: { type: 'string', pattern: PROXY_PATTERN } },
      BODY_LIMIT: { type: 'integer', minimum: 1 },
      DRAIN_TIMEOUT_MS: { type: 'integer', minimum: 0 },
      WORKER_START_LIMIT_BURST: { type: 'integer', minimum: 0 },
      WORKER_START_LIMIT_INTERVAL_SECONDS: { type: 'integer', minimum: 1 },
      ACCESS_LOG_SKIP: { type: 'array', items: { type: 'string' } },
      NOTIFY_WEBHOOK_URL: { type: 'string', pattern: '^(|https?://.+)$' },
      NOTIFY_FORMAT: { enum: ['json', 'wecom', 'wecom_text'] },
      NOTIFY_TIMEOUT_MS: { type: 'integer', minimum: 100, maximum: 60_000 },
      NOTIFY_REPEAT_SECONDS: { type: 'integer', minimum: 0 },
      NOTIFY_500_BURST: { type: 'integer', minimum: 1 },
      METRICS_TOKEN: { type: 'string', pattern: '^(|[\\x21-\\x7e]{16,})$' },
      METRICS_ALLOW: { type: 'array', items: { type: 'string', pattern: PROXY_PATTERN } },
      METRICS_PORT: { type: 'integer', minimum: 0, maximum: 65535 },
    },
    required: ['SERVER_NAME', 'SERVER_ID', 'RUN_PORT'],
  };
}

/** Why DB_REPLICAS does not fit DB (an entry that is missing or SQLite), or undefined when it does. */
export function dbReplicasProblem(conf: Pick<BaseConf, 'DB' | 'DB_REPLICAS'>): string | undefined {
  for (const [name, urls] of Object.entries(conf.DB_REPLICAS)) {
    if (!urls.length) continue;
    const primary = conf.DB[name];
    if (primary === undefined) return `DB_REPLICAS.${name}: names no DB entry`;
    if (primary.startsWith('sqlite:')) return `DB_REPLICAS.${name}: replicas need a MySQL/MariaDB primary, DB.${name} is SQLite`;
  }
  return undefined;
}

export function extendConfSchema(base: ConfSchema, properties: ConfSchema['properties']): ConfSchema {
  return { ...base, properties: { ...base.properties, ...properties } };
}
