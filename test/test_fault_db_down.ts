import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { needServices, tempDir } from './helper/backends.js';
import { type Call, client } from './helper/http_client.js';
import { RedisServer } from './helper/redis_server.js';
import { type ServiceProcess, startService } from './helper/service_process.js';
import { TcpProxy } from './helper/tcp_proxy.js';
import { until } from './helper/wait.js';

const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

describe('manage_system with MariaDB cut off [mysql]', function () {
  this.timeout(90_000);
  const dbName = `gh_test_${randomBytes(4).toString('hex')}`;
  const target = new URL(MYSQL_URL);
  const proxy = new TcpProxy(target.hostname, Number(target.port || 3306));
  const redis = new RedisServer();
  let svc: ServiceProcess;
  let call: Call;
  const password = `pw-${Date.now()}`;

  before(async function () {
    await needServices(this);
    const admin = await mysql.createConnection(MYSQL_URL);
    await admin.query(`CREATE DATABASE \`${dbName}\``);
    await admin.end();
    await proxy.start();
    await redis.start();
    const dbUrl = `mysql://${target.username || 'root'}@127.0.0.1:${proxy.port}/${dbName}`;
    svc = await startService('http_manage_system.ts', {
      DB_URL: dbUrl,
      REDIS_URL: redis.url,
      LOG_DIR: tempDir('logs'),
      ADMIN_PASSWORD: password,
    });
    call = client(svc.url);
  });

  after(async () => {
    await svc?.stop();
    await proxy.cut();
    await redis.kill();
    const admin = await mysql.createConnection(MYSQL_URL);
    await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
    await admin.end();
  });

  it('answers 503 in the envelope within the timeout, writes nothing, and recovers by itself', async () => {
    const token = (await call('POST', '/v1/auth/login', { body: { username: 'admin', password } })).body.data.token as string;
    assert.equal((await call('GET', '/v1/auth/me', { token })).status, 200);
    const before = (await call('GET', '/v1/accounts', { token })).body.data.total as number;

    await proxy.cut();

    const username = `cut${randomBytes(3).toString('hex')}`;
    for (const [method, path, body] of [
      ['GET', '/v1/accounts', undefined],
      ['POST', '/v1/accounts', { username, password: 'long-enough', role: 'viewer' }],
      ['GET', '/v1/records/login', undefined],
    ] as const) {
      const started = Date.now();
      const res = await call(method, path, { token, body });
      assert.equal(res.status, 503, `${method} ${path}: ${res.text}`);
      assert.equal(res.body.code, 503);
      assert.ok(Date.now() - started < 12_000, `${method} ${path} took ${Date.now() - started} ms`);
    }
    const ready = await call('GET', '/ready');
    assert.equal(ready.status, 503);
    assert.equal(ready.body.data.db, 'down');
    assert.equal((await call('GET', '/health')).status, 200);
    assert.equal((await call('GET', '/v1/auth/me', { token })).status, 200, 'a cached session and account still answer');

    await proxy.start();

    assert.ok(await until(async () => (await call('GET', '/v1/accounts', { token })).status === 200, 30_000), 'did not recover');
    const after = await call('GET', `/v1/accounts?username=${username}`, { token });
    assert.equal(after.body.data.total, 0, 'the create refused during the outage was half-written');
    assert.equal((await call('GET', '/v1/accounts', { token })).body.data.total, before);
    assert.equal((await call('GET', '/ready')).status, 200);
  });
});
