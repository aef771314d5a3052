import { ApiError } from '../../common/libs/api_error.js';
import { StaCode } from '../../common/libs/sta_code.js';
import { DECOY_HASH_PROMISE, verifyPassword } from '../../common/partner/password.js';
import { sysConf } from '../config/index.js';
import { Account } from '../db_model/account.js';
import { AccountStatus, LoginResult } from '../db_model/enums.js';
import { type GuardPolicy, reserveAttempt, settleFailure, settleSuccess } from '../db_model/guard_login.js';
import { RecordsLogin } from '../db_model/records_login.js';

const policy: GuardPolicy = {
  maxFailures: sysConf.LOGIN_MAX_FAILURES,
  windowMinutes: sysConf.LOGIN_WINDOW_MINUTES,
  lockMinutes: sysConf.LOGIN_LOCK_MINUTES,
};

interface Attempt {
  username: string;
  password: string;
  ip: string;
  userAgent: string;
}

function record(attempt: Attempt, result: LoginResult, accountId: number | null = null) {
  return RecordsLogin.create({
    account_id: accountId,
    username: attempt.username,
    ip: attempt.ip,
    user_agent: attempt.userAgent,
    result: result.value,
  });
}

/**
 * Checks credentials under the lockout policy and records the attempt, whatever its result.
 * Unknown usernames cost the same scrypt work as wrong passwords, so timing tells nothing.
 */
export async function checkCredentials(attempt: Attempt): Promise<Account> {
  const guard = await reserveAttempt(attempt.username, policy);
  if (!guard.ok) {
    await record(attempt, LoginResult.LOCKED);
    throw new ApiError(
      StaCode.ACCOUNT_LOCKED,
      'username: too many failed attempts, try again later',
      { retry_after: guard.retryAfter },
      {
        'Retry-After': String(guard.retryAfter),
      },
    );
  }
  const account = await Account.findOne({ where: { username: attempt.username } });
  const matches = await verifyPassword(attempt.password, account?.password_hash ?? (await DECOY_HASH_PROMISE));
  if (!account || !matches) {
    await settleFailure(attempt.username, policy);
    await record(attempt, account ? LoginResult.BAD_PASSWORD : LoginResult.UNKNOWN_USER, account?.id ?? null);
    throw new ApiError(StaCode.NOT_AUTHENTICATED, 'username or password is wrong');
  }
  await settleSuccess(attempt.username);
  if (account.status === AccountStatus.DISABLED.value) {
    await record(attempt, LoginResult.DISABLED, account.id);
    throw new ApiError(StaCode.FORBIDDEN, 'username: account is disabled');
  }
  await record(attempt, LoginResult.SUCCESS, account.id);
  return account;
}
