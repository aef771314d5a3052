import { randomBytes } from 'node:crypto';
import { UniqueConstraintError } from 'sequelize';
import type { MultLogger } from '../../common/libs/mult_logger.js';
import { Role } from '../../common/model_db/account_role.js';
import { hashPassword } from '../../common/partner/password.js';
import { Account } from '../db_model/account.js';

/**
 * On a database with no account, creates `admin` with ADMIN_PASSWORD, or with a generated
 * password printed once on stdout (never written to the log files).
 */
export async function seedAdmin(adminPassword: string, log: MultLogger): Promise<void> {
  if ((await Account.count()) > 0) return;
  const password = adminPassword || randomBytes(12).toString('base64url');
  try {
    await Account.create({
      username: 'admin',
      password_hash: await hashPassword(password),
      role: Role.ADMIN.value,
      display_name: 'Administrator',
    });
  } catch (err) {
    if (err instanceof UniqueConstraintError) return; // another instance seeded it first
    throw err;
  }
  log.info('created the first account: admin');
  if (!adminPassword) process.stdout.write(`\n  admin password (shown once): ${password}\n\n`);
}
