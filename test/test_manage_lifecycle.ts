import assert from 'node:assert/strict';
import fs from 'node:fs';
import { tempDir } from './helper/backends.js';
import { client } from './helper/http_client.js';
import { runToExit, startService } from './helper/service_process.js';

describe('manage_system start and stop', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const sqliteEnv = () => {
    const dir = tempDir('life');
    dirs.push(dir);
    return { DB_URL: `sqlite:${dir}/data.sqlite`, REDIS_URL: '', LOG_DIR: `${dir}/logs`, ADMIN_PASSWORD: 'start-stop-pw' };
  };
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stops at start-up with one line naming an invalid key', async () => {
    const { code, output } = await runToExit('http_manage_system.ts', { ...sqliteEnv(), RUN_PORT: '70000' });
    assert.equal(code, 78);
    assert.equal(output.trim().split('\n').length, 1, output);
    assert.match(output, /^config error: RUN_PORT: must be <= 65535 \(from environment RUN_PORT\)/);
    const badDb = await runToExit('http_manage_system.ts', { ...sqliteEnv(), DB_URL: 'postgres://x' });
    assert.equal(badDb.code, 78);
    assert.match(badDb.output, /^config error: DB\.default: must match pattern/);
  });

  it('lets the service-prefixed variable win over the plain one', async () => {
    const svc = await startService('http_manage_system.ts', {
      ...sqliteEnv(),
      RUN_PORT: 'not-a-port',
      MANAGE_SYSTEM_RUN_PORT: '0',
    });
    try {
      const port = Number(svc.output().match(/listening on http:\/\/127\.0\.0\.1:(\d+)/)?.[1]);
      assert.ok(port > 0);
      const res = await client(`http://127.0.0.1:${port}`)('GET', '/health');
      assert.equal(res.status, 200);
    } finally {
      await svc.stop();
    }
  });

  it('creates admin with a generated password printed once when ADMIN_PASSWORD is empty', async () => {
    const env = { ...sqliteEnv(), ADMIN_PASSWORD: '' };
    const svc = await startService('http_manage_system.ts', env);
    const password = svc.output().match(/admin password \(shown once\): (\S+)/)?.[1];
    assert.ok(password, svc.output());
    const login = await client(svc.url)('POST', '/v1/auth/login', { body: { username: 'admin', password } });
    assert.equal(login.status, 200);
    await svc.stop();
    const again = await startService('http_manage_system.ts', env);
    assert.ok(!again.output().includes('shown once'));
    await again.stop();
  });

  // The 503 and its printed fix (DB_AUTO_MIGRATE off) are in test_migrate_first_start.ts.
  it('takes guidance messages on first start though guidance_ws never started (it made their tables)', async () => {
    const svc = await startService('http_manage_system.ts', sqliteEnv());
    try {
      const call = client(svc.url);
      const login = await call('POST', '/v1/auth/login', { body: { username: 'admin', password: 'start-stop-pw' } });
      const res = await call('POST', '/v1/guidance/rooms/lobby/messages', {
        token: login.body.data.token,
        body: { body: { text: 'hi' } },
      });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.data.seq, 1);
    } finally {
      await svc.stop();
    }
  });

  it('finishes in-flight requests on SIGTERM, then refuses new ones and exits 0', async () => {
    const svc = await startService('http_manage_system.ts', sqliteEnv());
    const call = client(svc.url);
    let signalledAt = Number.POSITIVE_INFINITY;
    const inflight = Array.from({ length: 16 }, () =>
      call('POST', '/v1/auth/login', { body: { username: 'admin', password: 'start-stop-pw' } }).then((r) => ({
        ...r,
        at: Date.now(),
      })),
    );
    // 16 scrypt logins take several hundred ms; by now every connection is open and its request read.
    await new Promise((r) => setTimeout(r, 150));
    signalledAt = Date.now();
    const exit = svc.stop('SIGTERM');
    const replies = await Promise.all(inflight);
    assert.deepEqual(
      replies.map((r) => r.status),
      replies.map(() => 200),
    );
    assert.ok(
      replies.some((r) => r.at > signalledAt),
      'no request was still in flight at the signal',
    );
    assert.equal(await exit, 0);
    assert.match(svc.output(), /SIGTERM received, stopping/);
    await assert.rejects(call('GET', '/health'));
  });
});
