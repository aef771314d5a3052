import { ApiError } from '../../common/libs/api_error.js';
import { StaCode } from '../../common/libs/sta_code.js';
import { type ManageSpec, ManageView } from '../api_base.js';
import { sysConf } from '../config/index.js';
import { accountRc } from '../rc_model/account_rc.js';
import { ACCOUNT, INSTANT, LOGIN_USERNAME } from './account_schemas.js';
import { checkCredentials } from './login_flow.js';
import { requestMeta } from './request_meta.js';
import { type OpenedSession, openSession, refreshSession, revokeToken } from './session_ops.js';

interface LoginBody {
  username: string;
  password: string;
}

const TOKEN_PROPS = {
  token: { type: 'string', minLength: 1 },
  token_type: { const: 'Bearer' },
  expires_at: INSTANT,
};

/** A fresh bearer token (`tokenAnswer`). */
const TOKEN = { title: 'Token', type: 'object', required: ['token', 'token_type', 'expires_at'], properties: TOKEN_PROPS };

const SIGNED_IN = {
  title: 'SignedIn',
  type: 'object',
  required: [...TOKEN.required, 'account'],
  properties: { ...TOKEN_PROPS, account: ACCOUNT },
};

function tokenAnswer({ token, info }: OpenedSession) {
  return { token, token_type: 'Bearer', expires_at: new Date(info.expires_at).toISOString() };
}

/** `POST /auth/login`: credentials -> a revocable bearer token. */
export class LoginView extends ManageView {
  static override spec: Record<string, ManageSpec> = {
    post: {
      public: true,
      summary: 'Sign in with username and password; returns a bearer token',
      body: {
        title: 'Credentials',
        type: 'object',
        required: ['username', 'password'],
        properties: {
          username: LOGIN_USERNAME,
          password: { type: 'string', minLength: 1, maxLength: 128 },
        },
      },
      answer: SIGNED_IN,
      errors: [StaCode.NOT_AUTHENTICATED, StaCode.FORBIDDEN, StaCode.ACCOUNT_LOCKED, StaCode.RATE_LIMITED],
    },
  };

  async post() {
    const { username, password } = this.body<LoginBody>();
    const { ip, userAgent } = requestMeta(this.c);
    const checked = await checkCredentials({ username: username.toLowerCase(), password, ip, userAgent });
    const session = await openSession(checked, sysConf.SESSION_TTL_SECONDS, { ip, userAgent });
    const { account } = session;
    await accountRc.invalidate(account.id);
    this.log.info(`login ${account.username} (#${account.id}) from ${ip}`);
    return this.answer({ ...tokenAnswer(session), account: account.toPublic() });
  }
}

/** `POST /auth/logout`: revokes the caller's token at once, in every service; 401 if a concurrent call spent it first. */
export class LogoutView extends ManageView {
  static override spec: Record<string, ManageSpec> = {
    post: {
      summary: 'Revoke the current token',
      answer: { type: 'object', required: ['revoked'], properties: { revoked: { const: true } } },
    },
  };

  async post() {
    if (!(await revokeToken(this.token))) {
      throw new ApiError(StaCode.NOT_AUTHENTICATED, 'authorization: token is invalid, expired or revoked');
    }
    return this.answer({ revoked: true });
  }
}

/** `POST /auth/refresh`: swaps the caller's token for a new one with a fresh expiry; a token is swapped once. */
export class RefreshView extends ManageView {
  static override spec: Record<string, ManageSpec> = {
    post: { summary: 'Exchange the current token for a new one', answer: TOKEN },
  };

  async post() {
    const session = await refreshSession(this.token, this.session.account_id, sysConf.SESSION_TTL_SECONDS, requestMeta(this.c));
    return this.answer(tokenAnswer(session));
  }
}

/** `GET /auth/me`: the caller's account, served from the account cache. */
export class MeView extends ManageView {
  static override spec: Record<string, ManageSpec> = {
    get: {
      summary: 'The signed-in account',
      answer: {
        type: 'object',
        required: ['account', 'session'],
        properties: {
          account: ACCOUNT,
          session: { type: 'object', required: ['expires_at'], properties: { expires_at: INSTANT } },
        },
      },
    },
  };

  async get() {
    const account = await accountRc.find(this.session.account_id);
    if (!account) throw new ApiError(StaCode.NOT_AUTHENTICATED, 'authorization: account no longer exists');
    return this.answer({ account, session: { expires_at: new Date(this.session.expires_at).toISOString() } });
  }
}
