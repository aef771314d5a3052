import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Sequelize } from 'sequelize';
import { describeManage } from './helper/manage_suite.js';

const TRIGGER = 'gh_test_refuse_login_records';

/** A direct connection to the suite's database (the service's own file or schema). */
function openDb(dbUrl: string): Sequelize {
  if (dbUrl.startsWith('sqlite:'))
    return new Sequelize({ dialect: 'sqlite', storage: dbUrl.slice('sqlite:'.length), logging: false });
  return new Sequelize(dbUrl, { logging: false });
}

/** SQL for a trigger that makes every insert into sys_records_login fail, and for dropping it. */
function triggerSql(dialect: string): { create: string; drop: string } {
  const create =
    dialect === 'sqlite'
      ? `CREATE TRIGGER ${TRIGGER} BEFORE INSERT ON sys_records_login BEGIN SELECT RAISE(ABORT, 'records refused by test'); END`
      : `CREATE TRIGGER ${TRIGGER} BEFORE INSERT ON sys_records_login FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'records refused by test'`;
  return { create, drop: `DROP TRIGGER IF EXISTS ${TRIGGER}` };
}

function failedLogText(logDir: string): string {
  const dir = path.join(logDir, 'manage_system');
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith('failed-'))
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('');
}

async function waitForLog(logDir: string, pattern: RegExp, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = failedLogText(logDir);
    if (pattern.test(text)) return;
    if (Date.now() > deadline) throw new Error(`no ${pattern} in the failed log:\n${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeManage('login while the audit table refuses writes', (ctx) => {
  let db: Sequelize;
  let sql: { create: string; drop: string };

  before(async () => {
    db = openDb(ctx.backend.env.DB_URL!);
    sql = triggerSql(db.getDialect());
    await db.query(sql.create);
  });

  after(async () => {
    await db?.query(sql.drop);
    await db?.close();
  });

  it('answers a correct login 200 with a working token and logs the audit failure', async () => {
    const res = await ctx.call('POST', '/v1/auth/login', { body: { username: 'admin', password: ctx.adminPassword } });
    assert.equal(res.status, 200, res.text);
    const me = await ctx.call('GET', '/v1/auth/me', { token: res.body.data.token });
    assert.equal(me.status, 200);
    assert.equal(me.body.data.account.username, 'admin');
    await waitForLog(ctx.logDir, /audit write failed: login record \(success of admin from [^)]*\) not stored/);
  });

  it('still answers a wrong password 401 (not 500)', async () => {
    const res = await ctx.call('POST', '/v1/auth/login', { body: { username: 'admin', password: 'wrong-password' } });
    assert.equal(res.status, 401, res.text);
    assert.equal(res.body.code, 13);
    await waitForLog(ctx.logDir, /audit write failed: login record \(bad_password of admin/);
  });

  it('stored no record while the trigger refused them, and stores again once it is gone', async () => {
    const before = await ctx.call('GET', '/v1/records/login?username=admin', { token: ctx.adminToken });
    assert.equal(before.status, 200);
    await db.query(sql.drop);
    const res = await ctx.call('POST', '/v1/auth/login', { body: { username: 'admin', password: ctx.adminPassword } });
    assert.equal(res.status, 200);
    const after = await ctx.call('GET', '/v1/records/login?username=admin', { token: ctx.adminToken });
    assert.equal(after.body.data.total, before.body.data.total + 1);
  });
});
