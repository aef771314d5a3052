import { BaseEnum } from '../../common/libs/base_enum.js';

export class AccountStatus extends BaseEnum<string> {
  static readonly ACTIVE = new AccountStatus('active', 'Active');
  static readonly DISABLED = new AccountStatus('disabled', 'Disabled');
}

export class LoginResult extends BaseEnum<string> {
  static readonly SUCCESS = new LoginResult('success', 'Signed in');
  static readonly BAD_PASSWORD = new LoginResult('bad_password', 'Wrong password');
  static readonly UNKNOWN_USER = new LoginResult('unknown_user', 'Unknown username');
  static readonly LOCKED = new LoginResult('locked', 'Refused: locked after repeated failures');
  static readonly DISABLED = new LoginResult('disabled', 'Refused: account disabled');
  static readonly RATE_LIMITED = new LoginResult('rate_limited', 'Refused: too many failures from the address');
}
