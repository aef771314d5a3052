import { type PlannedFile, pascal, type ServicePlan } from './plan.js';

/** api_base.ts, uri_router.ts and one example resource under interface/. */
export function httpFiles(p: ServicePlan): PlannedFile[] {
  const base = `${pascal(p.name)}View`;
  const spec = `${pascal(p.name)}Spec`;
  return [
    {
      path: `${p.name}/api_base.ts`,
      text: `import { type SessionSpec, SessionView } from '../common/partner/session_view.js';

export { isSecured } from '../common/partner/session_view.js';

/**
 * A method of ${p.name}. Every method needs a manage_system token (a signed-in viewer) unless
 * it says \`public: true\`; \`role: Role.OPERATOR\` (or ADMIN) asks for more: 401 without a
 * valid token, 403 for a lower role.
 */
export type ${spec} = SessionSpec;

/** Base of every ${p.name} view: \`this.session\` is the caller's manage_system session. */
export class ${base} extends SessionView {}
`,
    },
    {
      path: `${p.name}/interface/item.ts`,
      text: `import { PAGE_QUERY_PROPS, type PageQuery, pageSchemaOf, pageWindow } from '../../common/func/paging.js';
import { ApiError } from '../../common/libs/api_error.js';
import { ID_MAX } from '../../common/libs/number_bounds.js';
import { StaCode } from '../../common/libs/sta_code.js';
import { Role } from '../../common/model_db/account_role.js';
import { type ${spec}, ${base} } from '../api_base.js';
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

/** \`/items\`: list (paged, open to anyone) and create (operators and admins). */
export class ItemListView extends ${base} {
  static override spec: Record<string, ${spec}> = {
    get: {
      summary: 'List items',
      public: true,
      query: { type: 'object', properties: PAGE_QUERY_PROPS },
      answer: pageSchemaOf(ITEM),
    },
    post: {
      summary: 'Create an item',
      role: Role.OPERATOR,
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

/** \`/items/:id\`: read one (any signed-in account), from the cache model. */
export class ItemView extends ${base} {
  static override spec: Record<string, ${spec}> = {
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
