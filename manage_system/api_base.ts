import { ApiError } from '../common/libs/api_error.js';
import { BaseView, type MethodSpec } from '../common/libs/base_view.js';
import { incomingHeader } from '../common/libs/incoming_header.js';
import { StaCode } from '../common/libs/sta_code.js';
import { Role } from '../common/model_db/account_role.js';
import { loginSessionRc, type SessionInfo } from '../common/model_rc/login_session.js';
import { bearerToken } from '../common/partner/token.js';

/** A manage_system method: authenticated with at least `role` (viewer by default) unless `public`. */
export interface ManageSpec extends MethodSpec {
  role?: Role;
  public?: boolean;
}

export function isSecured(spec: MethodSpec): boolean {
  return !(spec as ManageSpec).public;
}

/** Base of every manage_system view: resolves the bearer token and checks the role the method needs. */
export class ManageView extends BaseView {
  declare readonly spec: ManageSpec;
  /** The caller's session; set for every non-public method. */
  session!: SessionInfo;
  token = '';

  override async before(): Promise<void> {
    if (this.spec.public) return;
    const token = bearerToken(incomingHeader(this.c, 'authorization'));
    if (!token) throw new ApiError(StaCode.NOT_AUTHENTICATED, 'authorization: a bearer token is required');
    const session = await loginSessionRc.resolve(token);
    if (!session) throw new ApiError(StaCode.NOT_AUTHENTICATED, 'authorization: token is invalid, expired or revoked');
    const needed = this.spec.role ?? Role.VIEWER;
    if (!Role.fromValue(session.role)?.includes(needed)) {
      throw new ApiError(StaCode.FORBIDDEN, `role ${needed.value} or higher is required`);
    }
    this.session = session;
    this.token = token;
  }

  protected get isAdmin(): boolean {
    return this.session.role === Role.ADMIN.value;
  }
}
