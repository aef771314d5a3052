import assert from 'node:assert/strict';
import fs from 'node:fs';
import { tempDir } from './helper/backends.js';
import { client } from './helper/http_client.js';
import { RawConnection } from './helper/raw_http.js';
import { runToExit, type ServiceProcess, startService } from './helper/service_process.js';

/** Resolves once the process printed `text`. */
async function waitForOutput(svc: ServiceProcess, text: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!svc.output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`no "${text}" in ${timeoutMs} ms:\n${svc.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

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

  it('finishes in-flight requests on SIGTERM and serves open connections with Connection: close, then exits 0', async () => {
    const svc = await startService('http_manage_system.ts', { ...sqliteEnv(), DRAIN_TIMEOUT_MS: '60000' });
    // Each connection first gets one answer: the server has surely accepted it before the signal.
    const [login, ready, idle] = await Promise.all([0, 1, 2].map(() => RawConnection.open(svc.port)));
    for (const conn of [login, ready, idle]) {
      await conn.send(`GET /health HTTP/1.1\r\nHost: x\r\n\r\n`);
      assert.equal((await conn.response()).status, 200);
    }
    const body = JSON.stringify({ username: 'admin', password: 'start-stop-pw' });
    const half = body.length >> 1;
    // in flight: head and half the body read; headers of /ready begun, not finished
    await login.send(
      `POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, half)}`,
    );
    await ready.send('GET /ready HTTP/1.1\r\nHost: x\r\n');
    const exit = svc.stop('SIGTERM');
    await waitForOutput(svc, 'stopping http');

    await assert.rejects(RawConnection.open(svc.port), { code: 'ECONNREFUSED' });
    await login.send(body.slice(half));
    const loggedIn = await login.response();
    assert.equal(loggedIn.status, 200, loggedIn.body);
    assert.equal(loggedIn.headers.connection, 'close');
    assert.ok(JSON.parse(loggedIn.body).data.token);
    await ready.send('\r\n');
    const notReady = await ready.response();
    assert.equal(notReady.status, 503);
    assert.equal(notReady.headers.connection, 'close');
    assert.equal(JSON.parse(notReady.body).data.status, 'draining');
    await Promise.all([login.closed, ready.closed]);

    assert.equal(await exit, 0);
    await idle.closed; // closed by the drain after its idle grace, or the process would not have exited
    assert.match(svc.output(), /SIGTERM received, stopping/);
  });
});
