import { type PlannedFile, pascal, type ServicePlan } from './plan.js';

/** api_base.ts, uri_router.ts and one example resource under interface/. */
export function httpFiles(p: ServicePlan): PlannedFile[] {
  const base = `${pascal(p.name)}View`;
  return [
    {
      path: `${p.name}/api_base.ts`,
      text: `import { ApiError } from '../common/libs/api_error.js';
import { BaseView, type MethodSpec } from '../common/libs/base_view.js';
import { incomingHeader } from '../common/libs/incoming_header.js';
import { StaCode } from '../common/libs/sta_code.js';
import { Role } from '../common/model_db/account_role.js';
import { loginSessionRc, type SessionInfo } from '../common/model_rc/login_session.js';
import { bearerToken } from '../common/partner/token.js';

/** A method of ${p.name}: public unless it names a \`role\` (manage_system sessions are accepted). */
export interface ${pascal(p.name)}Spec extends MethodSpec {
  role?: Role;
}

export function isSecured(spec: MethodSpec): boolean {
  return (spec as ${pascal(p.name)}Spec).role !== undefined;
}

/** Base of every ${p.name} view. */
export class ${base} extends BaseView {
  declare readonly spec: ${pascal(p.name)}Spec;
  session: SessionInfo | undefined;

  override async before(): Promise<void> {
    if (!this.spec.role) return;
    const token = bearerToken(incomingHeader(this.c, 'authorization'));
    const session = token ? await loginSessionRc.resolve(token) : null;
    if (!session) throw new ApiError(StaCode.NOT_AUTHENTICATED, 'authorization: a valid bearer token is required');
    if (!Role.fromValue(session.role)?.includes(this.spec.role)) {
      throw new ApiError(StaCode.FORBIDDEN, \`role \${this.spec.role.value} or higher is required\`);
    }
    this.session = session;
  }
}
`,
    },
    {
      path: `${p.name}/interface/item.ts`,
      text: `import { PAGE_QUERY_PROPS, type PageQuery, pageSchemaOf, pageWindow } from '../../common/func/paging.js';
import { ApiError } from '../../common/libs/api_error.js';
import { ID_MAX } from '../../common/libs/number_bounds.js';
import { StaCode } from '../../common/libs/sta_code.js';
import { type ${pascal(p.name)}Spec, ${base} } from '../api_base.js';
import { Item } from '../db_model/item.js';
import { itemRc } from '../rc_model/item_rc.js';

const ID = { type: 'integer', minimum: 1, maximum: ID_MAX };
const ID_PARAMS = { type: 'object', required: ['id'], properties: { id: ID } };
const NAME = { type: 'string', minLength: 1, maxLength: 128 };
const INSTANT = { type: 'string', format: 'date-time' };

/** An item as answers show it (\`Item.toPublic()\`): the response schema in /openapi.json. */
const ITEM = {
  title: 'Item',
  type: 'object',
  required: ['id', 'name', 'created_at'],
  properties: { id: ID, name: NAME, created_at: INSTANT },
};

/** \`/items\`: list (paged) and create. */
export class ItemListView extends ${base} {
  static override spec: Record<string, ${pascal(p.name)}Spec> = {
    get: { summary: 'List items', query: { type: 'object', properties: PAGE_QUERY_PROPS }, answer: pageSchemaOf(ITEM) },
    post: {
      summary: 'Create an item',
      status: 201,
      body: { title: 'ItemCreate', type: 'object', required: ['name'], properties: { name: NAME } },
      answer: ITEM,
    },
  };

  async get() {
    const q = this.query<PageQuery>();
    const { rows, count } = await Item.findAndCountAll({ order: [['id', 'DESC']], ...pageWindow(q) });
    return this.page(
      rows.map((r) => r.toPublic()),
      count,
      q.page,
      q.page_size,
    );
  }

  async post() {
    const item = await Item.create({ name: this.body<{ name: string }>().name });
    return this.answer(item.toPublic(), { status: 201 });
  }
}

/** \`/items/:id\`: read one, from the cache model. */
export class ItemView extends ${base} {
  static override spec: Record<string, ${pascal(p.name)}Spec> = {
    get: { summary: 'Read an item', params: ID_PARAMS, answer: ITEM, errors: [StaCode.NOT_FOUND] },
  };

  async get() {
    const { id } = this.params<{ id: number }>();
    const item = await itemRc.find(id);
    if (!item) throw new ApiError(StaCode.NOT_FOUND, \`id: item \${id} does not exist\`);
    return this.answer(item);
  }
}
`,
    },
    {
      path: `${p.name}/uri_router.ts`,
      text: `import type { Route } from '../common/libs/router.js';
import { ItemListView, ItemView } from './interface/item.js';

/** Every route of ${p.name}: \`[path, View, version?]\`; no version means VER_CODE. */
export const ROUTES: readonly Route[] = [
  ['/items', ItemListView],
  ['/items/:id', ItemView],
];
`,
    },
  ];
}
