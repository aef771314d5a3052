import { PAGE_QUERY_PROPS, pageSchemaOf } from '../../common/func/paging.js';
import { ID_MAX } from '../../common/libs/number_bounds.js';
import { Role } from '../../common/model_db/account_role.js';
import { AccountStatus } from '../db_model/enums.js';

export const USERNAME = { type: 'string', pattern: '^[a-z0-9][a-z0-9_.-]{2,63}$' } as const;
/**
 * A username as typed at login: any case (it is lower-cased before lookup), otherwise an
 * account's form. Anything else can match no account, and would not be compared as given:
 * MariaDB's collation matches `ádmin` and `admin ` to `admin`, and `İ` lower-cases to two
 * characters, past the 64 the login records hold.
 */
export const LOGIN_USERNAME = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{2,63}$' } as const;
export const PASSWORD = { type: 'string', minLength: 8, maxLength: 128 } as const;
export const DISPLAY_NAME = { type: 'string', maxLength: 128 } as const;
export const ACCOUNT_ID_PARAMS = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1, maximum: ID_MAX } },
} as const;

export const ACCOUNT_SORTS = [
  'id',
  '-id',
  'username',
  '-username',
  'created_at',
  '-created_at',
  'last_login_at',
  '-last_login_at',
];

export const INSTANT = { type: 'string', format: 'date-time' } as const;

/** An account as every answer shows it (`Account.toPublic()`, the account cache). */
export const ACCOUNT = {
  title: 'Account',
  type: 'object',
  required: ['id', 'username', 'display_name', 'role', 'status', 'last_login_at', 'created_at', 'updated_at'],
  properties: {
    id: ACCOUNT_ID_PARAMS.properties.id,
    username: USERNAME,
    display_name: DISPLAY_NAME,
    role: Role.schema(),
    status: AccountStatus.schema(),
    last_login_at: { type: ['string', 'null'], format: 'date-time' },
    created_at: INSTANT,
    updated_at: INSTANT,
  },
};

export const ACCOUNT_PAGE = pageSchemaOf(ACCOUNT);

export const ACCOUNT_DELETED = {
  title: 'AccountDeleted',
  type: 'object',
  required: ['id', 'deleted'],
  properties: { id: ACCOUNT_ID_PARAMS.properties.id, deleted: { const: true } },
};

export const CREATE_ACCOUNT_BODY = {
  title: 'AccountCreate',
  type: 'object',
  required: ['username', 'password', 'role'],
  properties: { username: USERNAME, password: PASSWORD, role: Role.schema(), display_name: DISPLAY_NAME },
};

export const PATCH_ACCOUNT_BODY = {
  title: 'AccountPatch',
  type: 'object',
  minProperties: 1,
  properties: { password: PASSWORD, role: Role.schema(), status: AccountStatus.schema(), display_name: DISPLAY_NAME },
};

export const LIST_ACCOUNTS_QUERY = {
  type: 'object',
  properties: {
    ...PAGE_QUERY_PROPS,
    username: { type: 'string', maxLength: 64 },
    role: Role.schema(),
    status: AccountStatus.schema(),
    sort: { type: 'string', enum: ACCOUNT_SORTS, default: '-id' },
  },
};
