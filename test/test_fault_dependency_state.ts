import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { type Backend, needServices, openBackend, tempDir } from './helper/backends.js';
import { describeGuidance, guideUrl, uniqueRoom } from './helper/guidance_suite.js';
import { type Call, client } from './helper/http_client.js';
import { readLogs, waitForLog } from './helper/log_files.js';
import { RedisServer } from './helper/redis_server.js';
import { watchLogDir, watchSecret } from './helper/secret_watch.js';
import { type ServiceProcess, startService } from './helper/service_process.js';
import { TcpProxy } from './helper/tcp_proxy.js';
import { until } from './helper/wait.js';
import { GuideClient } from './helper/ws_client.js';

const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

/** The state lines (down, back) a service logged for `name` (`database "default"`, `redis 127.0.0.1:6390`). */
function stateLines(logDir: string, service: string, name: string): { down: string[]; back: string[] } {
  const lines = readLogs(logDir, service, 'info').split('\n');
  return {
    down: lines.filter((l) => l.includes(`${name} down:`)),
    back: lines.filter((l) => l.includes(`${name} back after`)),
  };
}

/** Waits for the `back` line, then asserts exactly one down line (matching `cause`) and one back line. */
async function assertOneOutage(logDir: string, service: string, name: string, cause: RegExp): Promise<void> {
  await waitForLog(logDir, service, 'info', `${name} back after`, 20_000);
  const { down, back } = stateLines(logDir, service, name);
  assert.equal(down.length, 1, `${service}: ${down.length} down lines:\n${down.join('\n')}`);
  assert.match(down[0]!, / WARN /);
  assert.match(down[0]!, cause);
  assert.equal(back.length, 1, `${service}: ${back.length} back lines:\n${back.join('\n')}`);
}

function assertUnavailable(res: { status: number; headers: Headers; body: { code: number; msg: string } }, msg: RegExp): void {
  assert.equal(res.status, 503, JSON.stringify(res.body));
  assert.equal(res.headers.get('retry-after'), '5');
  assert.equal(res.body.code, 503);
  assert.match(res.body.msg, msg);
}

describe('MariaDB cut off under manage_system and guidance_ws [mysql]', function () {
  this.timeout(120_000);
  const dbName = `gh_test_${randomBytes(4).toString('hex')}`;
  const target = new URL(MYSQL_URL);
  const proxy = new TcpProxy(target.hostname, Number(target.port || 3306));
  const redis = new RedisServer();
  const adminPassword = `pw-${randomBytes(6).toString('hex')}`;
  const logDir = tempDir('logs');
  let manage: ServiceProcess;
  let gateway: ServiceProcess;
  let call: Call;
  let adminToken: string;
  let operatorToken: string;

  before(async function () {
    await needServices(this);
    const admin = await mysql.createConnection(MYSQL_URL);
    await admin.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4`);
    await admin.end();
    await proxy.start();
    await redis.start();
    watchLogDir(logDir);
    watchSecret(adminPassword);
    const env = {
      DB_URL: `mysql://${target.username || 'root'}@127.0.0.1:${proxy.port}/${dbName}`,
      REDIS_URL: redis.url,
      LOG_DIR: logDir,
    };
    manage = await startService('http_manage_system.ts', { ...env, ADMIN_PASSWORD: adminPassword });
    call = client(manage.url);
    adminToken = (await call('POST', '/v1/auth/login', { body: { username: 'admin', password: adminPassword } })).body.data.token;
    const operator = { username: `op${randomBytes(3).toString('hex')}`, password: `pw-${randomBytes(6).toString('hex')}` };
    assert.equal(
      (await call('POST', '/v1/accounts', { token: adminToken, body: { ...operator, role: 'operator' } })).status,
      201,
    );
    operatorToken = (await call('POST', '/v1/auth/login', { body: operator })).body.data.token;
    for (const secret of [adminToken, operatorToken, operator.password]) watchSecret(secret);
    gateway = await startService('ws_guidance.ts', env);
  });

  after(async function () {
    this.timeout(30_000);
    await gateway?.stop();
    await manage?.stop();
    await proxy.cut();
    await redis.kill();
    const admin = await mysql.createConnection(MYSQL_URL);
    await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
    await admin.end();
  });

  it('answers 503 on every interface, and each process logs one down and one back line naming the cause', async () => {
    const room = uniqueRoom('cut');
    const ws = await GuideClient.connect(guideUrl(gateway), { token: operatorToken });
    assert.equal((await ws.request('join', { room })).code, 0);
    assert.equal((await ws.request('send', { room, body: { n: 1 } })).code, 0);

    await proxy.cut();

    for (const [cmd, data] of [
      ['send', { room, body: { n: 2 } }],
      ['join', { room: uniqueRoom('cut-new') }],
      ['history', { room }],
    ] as const) {
      const reply = await ws.request(cmd, data);
      assert.equal(reply.code, 503, `${cmd}: ${JSON.stringify(reply)}`);
      assert.match(reply.msg, /^database is unreachable/);
    }
    assertUnavailable(await call('GET', '/v1/accounts', { token: adminToken }), /^database is unreachable/);
    assertUnavailable(
      await call('POST', '/v1/accounts', {
        token: adminToken,
        body: { username: 'cutx', password: 'long-enough', role: 'viewer' },
      }),
      /^database is unreachable/,
    );
    assertUnavailable(await call('GET', '/v1/records/login', { token: adminToken }), /^database is unreachable/);
    for (const service of ['manage_system', 'guidance_ws']) {
      await waitForLog(logDir, service, 'info', 'database "default" down:', 10_000);
    }

    await proxy.start();

    assert.ok(await until(async () => (await call('GET', '/v1/accounts', { token: adminToken })).status === 200, 30_000));
    assert.ok(await until(async () => (await ws.request('history', { room })).code === 0, 30_000));
    for (const service of ['manage_system', 'guidance_ws']) {
      await assertOneOutage(logDir, service, 'database "default"', /database is unreachable \(.+\)/);
      assert.doesNotMatch(readLogs(logDir, service, 'failed'), /unhandled|guide \w+ failed/);
    }
    assert.doesNotMatch(readLogs(logDir, 'manage_system', 'access'), / 500 /);
    ws.close();
  });
});

describe('manage_system with its connection pool exhausted [mysql]', function () {
  this.timeout(60_000);
  let backend: Backend;
  let svc: ServiceProcess;
  let call: Call;
  let logDir: string;
  const password = `pw-${randomBytes(6).toString('hex')}`;

  before(async function () {
    await needServices(this);
    backend = await openBackend('mysql');
    logDir = tempDir('logs');
    watchLogDir(logDir);
    watchSecret(password);
    svc = await startService('http_manage_system.ts', {
      ...backend.env,
      LOG_DIR: logDir,
      ADMIN_PASSWORD: password,
      DB_POOL_MAX: '1',
      DB_POOL_ACQUIRE_MS: '500',
    });
    call = client(svc.url);
  });

  after(async function () {
    this.timeout(30_000);
    await svc?.stop();
    await backend?.teardown();
  });

  it('answers 503 "database busy" and logs one down line saying busy, then one back line', async () => {
    const token = (await call('POST', '/v1/auth/login', { body: { username: 'admin', password } })).body.data.token as string;
    watchSecret(token);
    const dbName = new URL(backend.env.DB_URL as string).pathname.slice(1);
    const locker = await mysql.createConnection(`${MYSQL_URL.replace(/\/$/, '')}/${dbName}`);
    try {
      // The only pooled connection waits on this lock, so the next query cannot get one.
      await locker.query('LOCK TABLES sys_account WRITE');
      const held = call('GET', '/v1/accounts', { token });
      const waiting = async () => {
        const [rows] = await locker.query(
          "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND STATE LIKE 'Waiting for table%'",
          [dbName],
        );
        return (rows as { n: number }[])[0]!.n >= 1;
      };
      assert.ok(await until(waiting, 10_000, 50), 'no query waited on the lock');

      assertUnavailable(await call('GET', '/v1/accounts', { token }), /^database busy/);
      await waitForLog(logDir, 'manage_system', 'info', 'database "default" down:', 10_000);
      await locker.query('UNLOCK TABLES');
      assert.ok([200, 503].includes((await held).status));
    } finally {
      await locker.end();
    }

    assert.ok(await until(async () => (await call('GET', '/v1/accounts', { token })).status === 200, 20_000));
    await assertOneOutage(logDir, 'manage_system', 'database "default"', /database busy/);
    assert.doesNotMatch(readLogs(logDir, 'manage_system', 'info'), /unreachable/);
    assert.doesNotMatch(readLogs(logDir, 'manage_system', 'failed'), /unhandled/);
  });
});

describeGuidance(
  'Redis down and back',
  (ctx) => {
    it('each process logs one down line with the cause and one back line, for cache and bus alike', async () => {
      const redis = ctx.backend.redis!;
      const name = `redis 127.0.0.1:${redis.port}`;
      await redis.kill();
      try {
        for (const service of ['manage_system', 'guidance_ws']) {
          await waitForLog(ctx.logDir, service, 'info', `${name} down:`, 10_000);
        }
        // Still serving meanwhile: sessions come from the database.
        assert.equal((await ctx.call('GET', '/v1/auth/me', { token: ctx.adminToken })).status, 200);
      } finally {
        await redis.start();
      }
      for (const service of ['manage_system', 'guidance_ws']) {
        await assertOneOutage(ctx.logDir, service, name, /down: .+/);
      }
    });
  },
  { backends: ['mysql'] },
);
