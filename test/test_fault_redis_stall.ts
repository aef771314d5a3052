import assert from 'node:assert/strict';
import { createClient } from 'redis';
import { type Backend, needServices, openBackend, tempDir } from './helper/backends.js';
import { type Call, client } from './helper/http_client.js';
import { readLogs, waitForLog } from './helper/log_files.js';
import { type ServiceProcess, startService } from './helper/service_process.js';
import { TcpProxy } from './helper/tcp_proxy.js';
import { until } from './helper/wait.js';

/** `promise`, or a rejection naming `what` once `ms` passed: the test fails instead of hanging. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe('manage_system with a Redis that takes commands and never answers [mysql]', function () {
  this.timeout(60_000);
  let backend: Backend;
  let proxy: TcpProxy;
  let svc: ServiceProcess;
  let call: Call;
  const logDir = tempDir('logs');
  const password = `pw-${Date.now()}`;

  before(async function () {
    await needServices(this);
    backend = await openBackend('mysql');
    proxy = await new TcpProxy('127.0.0.1', backend.redis!.port).start();
    svc = await startService('http_manage_system.ts', {
      ...backend.env,
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      LOG_DIR: logDir,
      ADMIN_PASSWORD: password,
    });
    call = client(svc.url);
  });

  after(async () => {
    await svc?.stop();
    await proxy?.cut();
    await backend?.teardown();
  });

  it('answers from the database, logs the cache down as stalled, and uses Redis again once it answers', async () => {
    const name = `redis 127.0.0.1:${proxy.port}`;
    const token = (await call('POST', '/v1/auth/login', { body: { username: 'admin', password } })).body.data.token as string;
    assert.equal((await call('GET', '/v1/auth/me', { token })).status, 200);
    assert.equal((await call('GET', '/ready')).status, 200);

    proxy.holdReplies();
    // The session read waits on the silent cache until the watchdog gives up, then the database answers.
    const me = await within(10_000, 'GET /v1/auth/me', call('GET', '/v1/auth/me', { token }));
    assert.equal(me.status, 200);
    assert.equal(me.body.data.account.username, 'admin');
    const down = await waitForLog(logDir, 'manage_system', 'info', `${name} down:`, 10_000);
    assert.match(down, /down: stalled: no reply within 1000 ms/);
    const ready = await within(10_000, 'GET /ready', call('GET', '/ready'));
    assert.equal(ready.status, 503);
    assert.deepEqual(ready.body.data, { status: 'degraded', db: 'ok', cache: 'down' });
    assert.equal((await within(10_000, 'GET /v1/auth/me', call('GET', '/v1/auth/me', { token }))).status, 200);

    proxy.releaseReplies();
    assert.ok(await until(async () => (await call('GET', '/ready')).status === 200, 15_000), '/ready did not recover');
    await waitForLog(logDir, 'manage_system', 'info', `${name} back after`, 10_000);
    assert.equal(readLogs(logDir, 'manage_system', 'info').split(`${name} down:`).length - 1, 1, 'one down line');

    // Redis is written again: with it emptied, the next read caches the account there.
    const direct = await createClient({ url: backend.redis!.url }).connect();
    try {
      await direct.flushAll();
      assert.equal((await call('GET', '/v1/auth/me', { token })).status, 200);
      assert.ok((await direct.dbSize()) > 0, 'the service wrote nothing to Redis after it answered again');
    } finally {
      direct.destroy();
    }
  });
});
