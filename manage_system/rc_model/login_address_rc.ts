import { addressBucket } from '../../common/func/address_bucket.js';
import { WindowLimit, type WindowVerdict } from '../../common/partner/rate_limit.js';
import { sysConf } from '../config/index.js';
import { GUARD_LOGIN_TABLE } from '../db_model/guard_login.js';

// Key: sys_guard_login_ip:<address, or an IPv6 /64> -> login attempts in the current window that
// did not succeed (an attempt counts when it starts, a success gives it back); expires at the
// window's end (LOGIN_IP_WINDOW_SECONDS). Shared by every instance on Redis.
const limit = new WindowLimit({
  prefix: `${GUARD_LOGIN_TABLE}_ip`,
  limit: () => sysConf.LOGIN_IP_MAX_FAILURES,
  windowSeconds: () => sysConf.LOGIN_IP_WINDOW_SECONDS,
});

/** The failed-login budget of client addresses, whatever usernames they try. */
export const loginAddressRc = {
  /** Counts an attempt from `address` before its password is checked. */
  take: (address: string): Promise<WindowVerdict> => limit.take(addressBucket(address)),
  /** The attempt succeeded: it does not count against the address. */
  succeeded: (address: string): Promise<void> => limit.giveBack(addressBucket(address)),
};
