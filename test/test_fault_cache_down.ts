import assert from 'node:assert/strict';
import { type Backend, needServices, openBackend, tempDir } from './helper/backends.js';
import { type Call, client } from './helper/http_client.js';
import { type ServiceProcess, startService } from './helper/service_process.js';
import { until } from './helper/wait.js';

describe('manage_system with its Redis down [mysql]', function () {
  this.timeout(60_000);
  let backend: Backend;
  let svc: ServiceProcess;
  let call: Call;
  const password = `pw-${Date.now()}`;

  before(async function () {
    await needServices(this);
    backend = await openBackend('mysql');
    svc = await startService('http_manage_system.ts', { ...backend.env, LOG_DIR: tempDir('logs'), ADMIN_PASSWORD: password });
    call = client(svc.url);
  });

  after(async () => {
    await svc?.stop();
    await backend?.teardown();
  });

  it('serves sessions from the database for 10 s under load, revokes at once, reports degraded, and recovers', async () => {
    const login = async () =>
      (await call('POST', '/v1/auth/login', { body: { username: 'admin', password } })).body.data.token as string;
    const warm = await login();
    const other = await login();
    assert.equal((await call('GET', '/v1/auth/me', { token: warm })).status, 200);

    await backend.redis!.kill();

    const started = Date.now();
    const me = await call('GET', '/v1/auth/me', { token: warm });
    assert.equal(me.status, 200);
    assert.equal(me.body.data.account.username, 'admin');
    assert.ok(Date.now() - started < 3000, 'a request waited on the dead cache');
    const fresh = await login();
    assert.equal((await call('GET', '/v1/auth/me', { token: fresh })).status, 200);
    assert.equal((await call('POST', '/v1/auth/logout', { token: other })).status, 200);
    assert.equal((await call('GET', '/v1/auth/me', { token: other })).status, 401);

    // ten seconds of load while Redis stays down: every request answers, none waits on the dead cache
    const until10s = Date.now() + 10_000;
    const outcomes = { ok: 0, failed: 0, slowest: 0 };
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (Date.now() < until10s) {
          const t0 = Date.now();
          const res = await call('GET', '/v1/auth/me', { token: warm });
          outcomes.slowest = Math.max(outcomes.slowest, Date.now() - t0);
          if (res.status === 200) outcomes.ok++;
          else outcomes.failed++;
        }
      }),
    );
    assert.equal(outcomes.failed, 0, JSON.stringify(outcomes));
    assert.ok(outcomes.ok > 100, JSON.stringify(outcomes));
    assert.ok(outcomes.slowest < 3000, JSON.stringify(outcomes));

    const ready = await call('GET', '/ready');
    assert.equal(ready.status, 503);
    assert.equal(ready.body.code, 503);
    assert.deepEqual(ready.body.data, { status: 'degraded', db: 'ok', cache: 'down' });

    await backend.redis!.start(backend.redis!.port);
    assert.ok(await until(async () => (await call('GET', '/ready')).status === 200, 15_000), '/ready did not recover');
    assert.equal((await call('GET', '/v1/auth/me', { token: warm })).status, 200);
    assert.equal((await call('GET', '/v1/auth/me', { token: other })).status, 401);
  });
});
