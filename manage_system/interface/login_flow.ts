import { ApiError } from '../../common/libs/api_error.js';
import { serviceLog } from '../../common/libs/service_log.js';
import { StaCode } from '../../common/libs/sta_code.js';
import { DECOY_HASH_PROMISE, verifyPassword } from '../../common/partner/password.js';
import { sysConf } from '../config/index.js';
import { Account } from '../db_model/account.js';
import { AccountStatus, LoginResult } from '../db_model/enums.js';
import { type GuardPolicy, reserveAttempt, settleFailure, settleSuccess } from '../db_model/guard_login.js';
import { RecordsLogin } from '../db_model/records_login.js';
import { loginAddressRc } from '../rc_model/login_address_rc.js';

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

/** Login records that could not be written since start (named in each failure's log line). */
let auditFailures = 0;

/**
 * Writes the login record. A failed write never changes the answer of the login: it is
 * logged to the failed log, with how many have failed since start.
 */
async function record(attempt: Attempt, result: LoginResult, accountId: number | null = null): Promise<void> {
  try {
    await RecordsLogin.create({
      account_id: accountId,
      username: attempt.username,
      ip: attempt.ip,
      user_agent: attempt.userAgent,
      result: result.value,
    });
  } catch (err) {
    auditFailures++;
    const what = `${result.value} of ${attempt.username} from ${attempt.ip}`;
    serviceLog()?.failed(`audit write failed: login record (${what}) not stored, ${auditFailures} since start`, err as Error);
  }
}

/**
 * Checks credentials under the per-address limit and the per-username lockout, and records
 * the attempt, whatever its result. Unknown usernames cost the same scrypt work as wrong
 * passwords, so timing tells nothing.
 */
export async function checkCredentials(attempt: Attempt): Promise<Account> {
  const address = await loginAddressRc.take(attempt.ip);
  if (!address.ok) {
    await record(attempt, LoginResult.RATE_LIMITED);
    throw new ApiError(
      StaCode.RATE_LIMITED,
      'ip: too many failed logins from this address, try again later',
      { retry_after: address.retryAfter },
      { 'Retry-After': String(address.retryAfter) },
    );
  }
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
  await loginAddressRc.succeeded(attempt.ip);
  await record(attempt, LoginResult.SUCCESS, account.id);
  return account;
}
