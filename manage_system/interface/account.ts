import { Op, UniqueConstraintError, type WhereOptions } from 'sequelize';
import { type PageQuery, pageWindow } from '../../common/func/paging.js';
import { containsPattern, orderBy } from '../../common/func/sql_like.js';
import { ApiError } from '../../common/libs/api_error.js';
import { MAY_LAG } from '../../common/libs/db_replicas.js';
import { StaCode } from '../../common/libs/sta_code.js';
import { Role } from '../../common/model_db/account_role.js';
import { hashPassword } from '../../common/partner/password.js';
import { type ManageSpec, ManageView } from '../api_base.js';
import { Account } from '../db_model/account.js';
import { AccountStatus } from '../db_model/enums.js';
import { accountRc } from '../rc_model/account_rc.js';
import {
  ACCOUNT,
  ACCOUNT_DELETED,
  ACCOUNT_ID_PARAMS,
  ACCOUNT_PAGE,
  CREATE_ACCOUNT_BODY,
  LIST_ACCOUNTS_QUERY,
  PATCH_ACCOUNT_BODY,
} from './account_schemas.js';
import { changeSessionsRole, type LockedAccount, revokeAccountSessions, underAccountLock } from './session_ops.js';

interface ListQuery extends PageQuery {
  username?: string;
  role?: string;
  status?: string;
  sort: string;
}

interface CreateBody {
  username: string;
  password: string;
  role: string;
  display_name?: string;
}

interface PatchBody {
  password?: string;
  role?: string;
  status?: string;
  display_name?: string;
}

/** `/accounts`: list with filters and paging; create (admin). */
export class AccountListView extends ManageView {
  static override spec: Record<string, ManageSpec> = {
    get: {
      summary: 'List accounts (filters: username contains, role, status; sort)',
      query: LIST_ACCOUNTS_QUERY,
      answer: ACCOUNT_PAGE,
    },
    post: {
      summary: 'Create an account',
      role: Role.ADMIN,
      body: CREATE_ACCOUNT_BODY,
      status: 201,
      answer: ACCOUNT,
      errors: [StaCode.CONFLICT],
    },
  };

  async get() {
    const q = this.query<ListQuery>();
    const where: WhereOptions = {};
    if (q.username) Object.assign(where, { username: { [Op.like]: containsPattern(q.username.toLowerCase()) } });
    if (q.role) Object.assign(where, { role: q.role });
    if (q.status) Object.assign(where, { status: q.status });
    const { rows, count } = await Account.findAndCountAll({ where, order: orderBy(q.sort), ...pageWindow(q), ...MAY_LAG });
    return this.page(
      rows.map((a) => a.toPublic()),
      count,
      q.page,
      q.page_size,
    );
  }

  async post() {
    const body = this.body<CreateBody>();
    try {
      const account = await Account.create({
        username: body.username,
        password_hash: await hashPassword(body.password),
        role: body.role,
        display_name: body.display_name ?? '',
      });
      this.log.info(`account ${account.username} (#${account.id}) created by #${this.session.account_id}`);
      return this.answer(account.toPublic(), { status: 201 });
    } catch (err) {
      if (err instanceof UniqueConstraintError) throw new ApiError(StaCode.CONFLICT, `username: ${body.username} is taken`);
      throw err;
    }
  }
}

/** `/accounts/:id`: read; update part (admin, or yourself for name and password); delete (admin, not yourself). */
export class AccountView extends ManageView {
  static override spec: Record<string, ManageSpec> = {
    get: { summary: 'Read an account', params: ACCOUNT_ID_PARAMS, answer: ACCOUNT, errors: [StaCode.NOT_FOUND] },
    patch: {
      summary: 'Update display name, password, role or status',
      params: ACCOUNT_ID_PARAMS,
      body: PATCH_ACCOUNT_BODY,
      answer: ACCOUNT,
      errors: [StaCode.NOT_FOUND],
    },
    delete: {
      summary: 'Delete an account',
      role: Role.ADMIN,
      params: ACCOUNT_ID_PARAMS,
      answer: ACCOUNT_DELETED,
      errors: [StaCode.NOT_FOUND],
    },
  };

  private get id(): number {
    return this.params<{ id: number }>().id;
  }

  /** The locked account row; 404 when it does not exist. */
  private found(locked: LockedAccount): Account {
    if (!locked.account) throw new ApiError(StaCode.NOT_FOUND, `id: account ${this.id} does not exist`);
    return locked.account;
  }

  async get() {
    const account = await accountRc.find(this.id);
    if (!account) throw new ApiError(StaCode.NOT_FOUND, `id: account ${this.id} does not exist`);
    return this.answer(account);
  }

  async patch() {
    const body = this.body<PatchBody>();
    const self = this.id === this.session.account_id;
    if (!this.isAdmin && (!self || body.role !== undefined || body.status !== undefined)) {
      throw new ApiError(StaCode.FORBIDDEN, 'only an admin may change roles, status or other accounts');
    }
    if (self && (body.role !== undefined || body.status !== undefined)) {
      throw new ApiError(StaCode.FORBIDDEN, 'you cannot change your own role or status');
    }
    const changes: Partial<Account> = {};
    if (body.display_name !== undefined) changes.display_name = body.display_name;
    if (body.role !== undefined) changes.role = body.role;
    if (body.status !== undefined) changes.status = body.status;
    if (body.password !== undefined) changes.password_hash = await hashPassword(body.password);
    // The account change and its effect on sessions commit together, under the account's lock.
    const account = await underAccountLock(this.id, async (locked) => {
      const account = await this.found(locked).update(changes, { transaction: locked.transaction });
      if (body.status === AccountStatus.DISABLED.value) await revokeAccountSessions(locked);
      else if (body.password !== undefined) await revokeAccountSessions(locked, self ? this.session.sid : undefined);
      else if (body.role !== undefined) await changeSessionsRole(locked, body.role);
      return account;
    });
    await accountRc.invalidate(account.id);
    return this.answer(account.toPublic());
  }

  async delete() {
    if (this.id === this.session.account_id) throw new ApiError(StaCode.FORBIDDEN, 'id: you cannot delete your own account');
    const account = await underAccountLock(this.id, async (locked) => {
      const account = this.found(locked);
      await account.destroy({ transaction: locked.transaction });
      await revokeAccountSessions(locked);
      return account;
    });
    await accountRc.invalidate(account.id);
    this.log.info(`account ${account.username} (#${account.id}) deleted by #${this.session.account_id}`);
    return this.answer({ id: account.id, deleted: true });
  }
}
