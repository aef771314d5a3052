import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BACKEND_NAMES, type Backend, needServices, openBackend, tempDir } from './helper/backends.js';
import { type Call, client } from './helper/http_client.js';
import { watchLogDir, watchSecret } from './helper/secret_watch.js';
import { type ServiceProcess, startService } from './helper/service_process.js';

/** Failed logins one address may make per window, as the suite configures it. */
const LIMIT = 20;
const ATTEMPTS = 300;
const WINDOW_SECONDS = 600;

/** A wrong login with `X-Forwarded-For: forwarded` and a username never used before. */
function stuff(call: Call, forwarded: string, n: number, prefix = 'stuff') {
  const username = `${prefix}${n}x${randomBytes(3).toString('hex')}`;
  return call('POST', '/v1/auth/login', {
    headers: { 'x-forwarded-for': forwarded },
    body: { username, password: 'guess-1234' },
  });
}

for (const name of BACKEND_NAMES) {
  describe(`failed logins per client address [${name}]`, function () {
    this.timeout(120_000);
    let backend: Backend;
    const adminPassword = `pw-${randomBytes(6).toString('hex')}`;
    /** Instances behind a trusted proxy (127.0.0.1): on MariaDB + Redis two, sharing the count. */
    const proxied: ServiceProcess[] = [];
    let direct: ServiceProcess;
    let adminToken: string;

    before(async function () {
      if (name === 'mysql') await needServices(this);
      backend = await openBackend(name);
      const logDir = tempDir('logs');
      watchLogDir(logDir);
      watchSecret(adminPassword);
      const env = {
        ...backend.env,
        LOG_DIR: logDir,
        ADMIN_PASSWORD: adminPassword,
        LOGIN_IP_MAX_FAILURES: String(LIMIT),
        LOGIN_IP_WINDOW_SECONDS: String(WINDOW_SECONDS),
      };
      proxied.push(await startService('http_manage_system.ts', { ...env, TRUSTED_PROXIES: '127.0.0.1,10.0.0.0/8' }));
      if (name === 'mysql') proxied.push(await startService('http_manage_system.ts', { ...env, TRUSTED_PROXIES: '127.0.0.1' }));
      direct = await startService('http_manage_system.ts', { ...env, TRUSTED_PROXIES: '10.0.0.0/8' });
      const login = await client(proxied[0]!.url)('POST', '/v1/auth/login', {
        headers: { 'x-forwarded-for': '192.0.2.250' },
        body: { username: 'admin', password: adminPassword },
      });
      assert.equal(login.status, 200, login.text);
      adminToken = login.body.data.token;
      watchSecret(adminToken);
    });

    after(async function () {
      this.timeout(30_000);
      await Promise.all([...proxied, direct].filter(Boolean).map((svc) => svc.stop()));
      await backend?.teardown();
    });

    it(`answers 401 to the first ${LIMIT} failures of an address, then 429 + Retry-After (code 17), whatever the usernames`, async () => {
      const calls = proxied.map((svc) => client(svc.url));
      const statuses: number[] = [];
      for (let n = 0; n < ATTEMPTS; n++) {
        const res = await stuff(calls[n % calls.length]!, '203.0.113.7', n);
        statuses.push(res.status);
        if (res.status !== 429) continue;
        assert.equal(res.body.code, 17);
        assert.match(res.body.msg, /^ip: /);
        const retryAfter = Number(res.headers.get('retry-after'));
        assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= WINDOW_SECONDS, `Retry-After ${retryAfter}`);
        assert.equal(res.body.data.retry_after, retryAfter);
      }
      assert.deepEqual(statuses.slice(0, LIMIT), Array(LIMIT).fill(401));
      assert.deepEqual(statuses.slice(LIMIT), Array(ATTEMPTS - LIMIT).fill(429));
      // Even the right password waits for the window from that address.
      const right = await calls[0]!('POST', '/v1/auth/login', {
        headers: { 'x-forwarded-for': '203.0.113.7' },
        body: { username: 'admin', password: adminPassword },
      });
      assert.equal(right.status, 429);
    });

    it('counts parallel attempts when they start: exactly the limit get through', async () => {
      const calls = proxied.map((svc) => client(svc.url));
      const burst = LIMIT + 10;
      const answers = await Promise.all(
        Array.from({ length: burst }, (_, n) => stuff(calls[n % calls.length]!, '203.0.113.99', n, 'par')),
      );
      const statuses = answers.map((res) => res.status).sort();
      assert.deepEqual(statuses, [...Array(LIMIT).fill(401), ...Array(burst - LIMIT).fill(429)]);
    });

    it('leaves another address unaffected, takes the right-most untrusted hop, and does not count successes', async () => {
      const call = client(proxied[0]!.url);
      // 203.0.113.7 (spent) is a hop the client wrote itself; 10.1.2.3 is a trusted proxy.
      const via = '203.0.113.7, 198.51.100.1, 10.1.2.3';
      for (let n = 0; n < LIMIT + 5; n++) {
        const login = await call('POST', '/v1/auth/login', {
          headers: { 'x-forwarded-for': via },
          body: { username: 'admin', password: adminPassword },
        });
        assert.equal(login.status, 200, `success ${n}: ${login.text}`);
        watchSecret(login.body.data.token);
      }
      const statuses: number[] = [];
      for (let n = 0; n <= LIMIT; n++) statuses.push((await stuff(call, via, n, 'other')).status);
      assert.deepEqual(statuses, [...Array(LIMIT).fill(401), 429]);
    });

    it('ignores X-Forwarded-For from a client that is not a trusted proxy: it counts as its socket address', async () => {
      const call = client(direct.url);
      const statuses: number[] = [];
      for (let n = 0; n <= LIMIT; n++) statuses.push((await stuff(call, `192.0.2.${n + 1}`, n, 'direct')).status);
      assert.deepEqual(statuses, [...Array(LIMIT).fill(401), 429]);
      const page = await call('GET', '/v1/records/login?page_size=200', { token: adminToken });
      assert.equal(page.status, 200, page.text);
      const rows = (page.body.data.items as { username: string; ip: string; result: string }[]).filter((r) =>
        r.username.startsWith('direct'),
      );
      assert.equal(rows.length, LIMIT + 1);
      assert.deepEqual([...new Set(rows.map((r) => r.ip))], ['127.0.0.1']);
      assert.equal(rows.filter((r) => r.result === 'rate_limited').length, 1);
    });
  });
}
