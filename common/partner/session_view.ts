import { ApiError } from '../libs/api_error.js';
import { BaseView, type MethodSpec } from '../libs/base_view.js';
import { incomingHeader } from '../libs/incoming_header.js';
import { StaCode } from '../libs/sta_code.js';
import { Role } from '../model_db/account_role.js';
import { loginSessionRc, type SessionInfo } from '../model_rc/login_session.js';
import { bearerToken } from './token.js';

/**
 * A method of a service that accepts manage_system's sessions: it needs a signed-in caller
 * with at least `role` (Role.VIEWER when absent) unless it is `public`.
 */
export interface SessionSpec extends MethodSpec {
  role?: Role;
  public?: boolean;
}

/** Whether a method needs a token (OpenAPI marks it and documents 401/403). */
export function isSecured(spec: MethodSpec): boolean {
  return !(spec as SessionSpec).public;
}

/**
 * View base of every service that accepts manage_system's bearer tokens (a service's
 * `api_base.ts` extends it). `before()` resolves the token through the shared
 * `loginSessionRc` (Redis when there is one, else the database on every call, so a
 * revocation in any process counts at once) and checks the role:
 * no, bad, expired or revoked token -> 401 NOT_AUTHENTICATED; too low a role -> 403 FORBIDDEN.
 * The process must define the LoginSession model (READ_MODELS or MODEL_LIST of its config).
 */
export class SessionView extends BaseView {
  declare readonly spec: SessionSpec;
  /** The caller's session; set for every non-public method. */
  session!: SessionInfo;
  /** The caller's bearer token; empty on a public method. */
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
}
