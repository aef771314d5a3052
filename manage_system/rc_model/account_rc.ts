import { RcModel } from '../../common/libs/rc_model.js';
import { ACCOUNT_TABLE, Account, type PublicAccount } from '../db_model/account.js';

// Key: sys_account:<id> -> PublicAccount JSON, for an hour; deleted on every write of the account.
const TTL_SECONDS = 3600;

class AccountRc extends RcModel<PublicAccount> {
  protected readonly prefix = ACCOUNT_TABLE;
  protected override readonly ttlSeconds = TTL_SECONDS;

  /** The account as the API shows it, from cache or database; null when it does not exist. */
  find(id: number): Promise<PublicAccount | null> {
    return this.getOrLoad(id, loadAccount);
  }
}

async function loadAccount(id: number): Promise<PublicAccount | null> {
  return (await Account.findByPk(id))?.toPublic() ?? null;
}

export const accountRc = new AccountRc();
