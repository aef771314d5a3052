import { hasHttpRoutes, hasWebSocket, type PlannedFile, pascal, type ServicePlan } from './plan.js';

/**
 * Where the service's data lives. An HTTP service accepts manage_system's sessions, so on
 * the embedded default it shares manage_system's SQLite file (as guidance_ws does) and reads
 * the session table it does not own; with DB_URL / REDIS_URL both services get the same URLs.
 */
function dbKeys(p: ServicePlan): string {
  if (!hasHttpRoutes(p)) return `\n  override DB = { default: 'sqlite:run_data/${p.name}.sqlite' };`;
  return `
  /** The embedded default shares manage_system's file: the login sessions are read from it. */
  override DB = { default: 'sqlite:run_data/manage_system.sqlite' };`;
}

const READ_SESSIONS = `
  /** manage_system owns (and migrates) the sessions; this service only reads them. */
  override READ_MODELS = ['common/model_db/login_session'];`;

/** How a service's README lists the tools that run and operate it. */
function operationNotes(p: ServicePlan): string {
  const launcher = `${p.kind}_${p.name}.ts`;
  const metrics =
    p.kind === 'service'
      ? '`/metrics` (Prometheus) on its own listener when `METRICS_PORT` is set'
      : '`GET /metrics` (Prometheus) on its port';
  return `
## Running and operating it

- \`npm run dev -- ${launcher}\`: restarted on every change, coloured lines on a terminal.
- ${metrics}, for a scraper holding \`METRICS_TOKEN\` or from an address in \`METRICS_ALLOW\`
  (neither set: no metrics).
- \`npm run db -- upgrade -t ${p.name} --sql\`: the SQL its pending migrations would run, changing nothing.
- \`npm run build && npm run units -- render --service ${p.name} --run-as <account> --out <dir>\`:
  its systemd units.
- Every tool answers \`--help\`.
`;
}

/** How an HTTP service's README explains its sign-in. */
function sessionNotes(p: ServicePlan): string {
  return `
## Who may call it

Callers sign in to manage_system (\`POST /v1/auth/login\`) and send its token as
\`Authorization: Bearer <token>\`. Every method needs a signed-in account (role viewer or
higher) unless its spec says \`public: true\`; \`role: Role.OPERATOR\` (or \`Role.ADMIN\`)
asks for more. Missing, unknown, expired or revoked token: 401 (code 13); lower role: 403
(code 15). In a view, \`this.session\` holds the caller (\`account_id\`, \`username\`, \`role\`).
In the example, \`GET /v1/items\` is public, \`GET /v1/items/:id\` needs a viewer and
\`POST /v1/items\` an operator.

The sessions are manage_system's: \`config/sys_conf.ts\` puts this service on manage_system's
database (the embedded default: \`run_data/manage_system.sqlite\`; in production give both the
same \`DB_URL\`, and the same \`REDIS_URL\` when there is Redis) and lists the session model
in \`READ_MODELS\`, so it reads the \`sys_session\` table and never migrates it. A logout or
revocation in manage_system is refused here at once: Redis's key is invalidated, and without
Redis every check reads the database. The test (\`test/test_${p.name}.ts\`) starts
manage_system and this service and proves it on SQLite and on MariaDB + Redis.
`;
}

/** config/, db_model/, rc_model/, script/: what every kind of service has. */
export function coreFiles(p: ServicePlan): PlannedFile[] {
  const table = `${p.tag}_item`;
  const wsKeys = hasWebSocket(p)
    ? `
  /** Largest frame a client may send, in bytes; a larger one closes the socket with 1009. */
  WS_MAX_FRAME_BYTES = 64 * 1024;
`
    : '';
  const wsSchema = hasWebSocket(p) ? `\n    WS_MAX_FRAME_BYTES: { type: 'integer', minimum: 1024 },` : '';
  return [
    {
      path: `${p.name}/config/sys_conf.ts`,
      text: `import { BaseConf, extendConfSchema } from '../../common/libs/base_conf.js';

export class SysConf extends BaseConf {
  override SERVER_NAME = '${p.name}';
  override SERVER_ID = '${p.serverId}';
  override RUN_PORT = ${p.port};${dbKeys(p)}
  /** The tables this service owns (and migrates). */
  override MODEL_LIST = ['${p.name}/db_model/item'];${hasHttpRoutes(p) ? READ_SESSIONS : ''}
  /** How long items stay before the daily script removes them. */
  ITEM_KEEP_DAYS = 30;
  PURGE_ITEMS_CRON = '41 4 * * *';${wsKeys}
  static override schema = extendConfSchema(BaseConf.schema, {
    ITEM_KEEP_DAYS: { type: 'integer', minimum: 1 },
    PURGE_ITEMS_CRON: { type: 'string', minLength: 9 },${wsSchema}
  });
}
`,
    },
    {
      path: `${p.name}/config/index.ts`,
      text: `import { bootConf } from '../../common/libs/boot_conf.js';
import { SysConf } from './sys_conf.js';

/** The service's config, loaded once (environment > .env > config file > defaults). */
export const sysConf = bootConf(SysConf);
`,
    },
    {
      path: `${p.name}/db_model/item.ts`,
      text: `import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { tableName, tableOptions } from '../../common/model_db/table_name.js';

export const ITEM_TABLE = tableName('${p.tag}', 'item');

/** The example model: replace it with the service's own. */
export class Item extends Model<InferAttributes<Item>, InferCreationAttributes<Item>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;

  toPublic() {
    return { id: this.id, name: this.name, created_at: this.created_at.toISOString() };
  }
}

export function init(sequelize: Sequelize): void {
  Item.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      name: { type: DataTypes.STRING(128), allowNull: false },
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    { sequelize, ...tableOptions(ITEM_TABLE) },
  );
}
`,
    },
    {
      path: `${p.name}/rc_model/item_rc.ts`,
      text: `import { RcModel } from '../../common/libs/rc_model.js';
import { ITEM_TABLE, Item } from '../db_model/item.js';

type PublicItem = ReturnType<Item['toPublic']>;

// Key: ${table}:<id> -> the item as the API shows it, for ten minutes; deleted on every write.
const TTL_SECONDS = 600;

class ItemRc extends RcModel<PublicItem> {
  protected readonly prefix = ITEM_TABLE;
  protected override readonly ttlSeconds = TTL_SECONDS;

  find(id: number): Promise<PublicItem | null> {
    return this.getOrLoad(id, async () => (await Item.findByPk(id))?.toPublic() ?? null);
  }
}

export const itemRc = new ItemRc();
`,
    },
    {
      path: `${p.name}/script/purge_items.ts`,
      text: `import { Op } from 'sequelize';
import { daysAgo } from '../../common/func/time.js';
import type { ScriptJob } from '../../common/libs/scheduler.js';
import { sysConf } from '../config/index.js';
import { Item } from '../db_model/item.js';

/** Deletes items older than ITEM_KEEP_DAYS. */
export const purgeItems: ScriptJob = {
  name: 'purge_items',
  cron: sysConf.PURGE_ITEMS_CRON,
  async run() {
    const items = await Item.destroy({ where: { created_at: { [Op.lt]: daysAgo(sysConf.ITEM_KEEP_DAYS) } } });
    return { items };
  },
};
`,
    },
    {
      path: `${p.name}/script/index.ts`,
      text: `import type { ScriptJob } from '../../common/libs/scheduler.js';
import { purgeItems } from './purge_items.js';

/** The scheduled scripts of ${p.name}, by name (\`npm run script -- ${p.name} <name>\` runs one by hand). */
export const SCRIPTS: readonly ScriptJob[] = [purgeItems];
`,
    },
    {
      path: `${p.name}/README.md`,
      text: `# ${p.name}

A gatehouse service of kind \`${p.kind}\` (port ${p.port}), made by \`npm run new-service\`.
Start it with \`npx tsx ${p.kind}_${p.name}.ts\`; its test is \`test/test_${p.name}.ts\`.
Replace the example \`Item\` model, view and script with the service's own, then
\`npm run db -- migrate -t ${p.name} --name <what changed>\`.
Class names: \`${pascal(p.name)}View\` is the base of its views.
${hasHttpRoutes(p) ? sessionNotes(p) : ''}${operationNotes(p)}`,
    },
  ];
}
