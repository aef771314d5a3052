import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { createSequelize } from '../common/libs/db_registry.js';
import { BACKEND_NAMES, type Backend, needServices, openBackend, tempDir } from './helper/backends.js';
import { describeGuidance, uniqueRoom } from './helper/guidance_suite.js';
import { client } from './helper/http_client.js';
import { readLogs, waitForLog } from './helper/log_files.js';
import { watchLogDir, watchSecret } from './helper/secret_watch.js';
import { type ServiceProcess, startService } from './helper/service_process.js';
import { WebhookReceiver } from './helper/webhook_receiver.js';

/** The largest a loopback connection can buffer (kernel send + receive buffers), in bytes. */
function socketBufferCeiling(): number {
  const max = (file: string) => Number(fs.readFileSync(file, 'utf8').trim().split(/\s+/).pop());
  try {
    return max('/proc/sys/net/ipv4/tcp_rmem') + max('/proc/sys/net/ipv4/tcp_wmem');
  } catch {
    return 16 * 1024 * 1024;
  }
}

/** Sends `head` (and nothing more) on a raw connection, then closes it at once. */
function sendAndClose(port: number, head: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(head, () => {
        socket.destroy();
        resolve();
      });
    });
    socket.on('error', reject);
  });
}

/** Requests `path` on a raw connection, closes it once the status line and some body arrived; resolves with what came. */
function readSomeAndClose(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head));
    socket.on('data', (chunk) => {
      got = Buffer.concat([got, chunk]);
      const headEnd = got.indexOf('\r\n\r\n');
      if (headEnd >= 0 && got.length > headEnd + 4) {
        socket.destroy();
        resolve(got.toString('latin1'));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(got.toString('latin1')));
  });
}

/** Adds at least `count` login records straight into the service's database (big rows: long agent and name). */
async function addLoginRecords(dbUrl: string, count: number): Promise<void> {
  const sequelize = createSequelize(dbUrl);
  const at = new Date();
  const row = { account_id: null, ip: '203.0.113.7', user_agent: 'a'.repeat(255), result: 'wrong_password', created_at: at };
  const cols = 'account_id, username, ip, user_agent, result, created_at';
  try {
    const seed = Array.from({ length: 1000 }, (_, i) => ({ ...row, username: `u${i}`.padEnd(64, 'x') }));
    await sequelize.getQueryInterface().bulkInsert('sys_records_login', seed);
    // Doubling with INSERT ... SELECT: a few statements instead of one per thousand rows.
    for (let total = seed.length; total < count; total *= 2) {
      await sequelize.query(`INSERT INTO sys_records_login (${cols}) SELECT ${cols} FROM sys_records_login`);
    }
  } finally {
    await sequelize.close();
  }
}

for (const name of BACKEND_NAMES) {
  describe(`manage_system: a client that goes away is not a server error [${name}]`, function () {
    this.timeout(120_000);
    const adminPassword = `pw-${randomBytes(6).toString('hex')}`;
    const receiver = new WebhookReceiver();
    let backend: Backend;
    let svc: ServiceProcess;
    let logDir: string;
    let token: string;

    before(async function () {
      if (name === 'mysql') await needServices(this);
      backend = await openBackend(name);
      await receiver.start();
      logDir = tempDir('logs');
      watchLogDir(logDir);
      watchSecret(adminPassword);
      svc = await startService('http_manage_system.ts', {
        ...backend.env,
        LOG_DIR: logDir,
        ADMIN_PASSWORD: adminPassword,
        NOTIFY_WEBHOOK_URL: receiver.url,
        NOTIFY_500_BURST: '1',
        // the raw requests below name themselves by X-Request-Id, as a proxy in front would
        TRUSTED_PROXIES: '127.0.0.1,::1',
      });
      const login = await client(svc.url)('POST', '/v1/auth/login', { body: { username: 'admin', password: adminPassword } });
      token = login.body.data.token;
      watchSecret(token);
    });

    after(async function () {
      this.timeout(30_000);
      await svc?.stop();
      await receiver.close();
      await backend?.teardown();
    });

    function assertNoServerError(rids: string[]): void {
      const failed = readLogs(logDir, 'manage_system', 'failed');
      for (const rid of rids) assert.ok(!failed.includes(rid), `failed log has ${rid}:\n${failed}`);
      const access = readLogs(logDir, 'manage_system', 'access');
      assert.doesNotMatch(access, / 500 /, 'an access line says 500');
      assert.equal(receiver.bodies.length, 0, `a notice was sent: ${JSON.stringify(receiver.bodies)}`);
    }

    it('logs 499 for six logins whose body stops short of Content-Length, and nothing else', async () => {
      const rids = Array.from({ length: 6 }, (_, i) => `gone-login-${i}-${randomBytes(3).toString('hex')}`);
      for (const rid of rids) {
        await sendAndClose(
          svc.port,
          `POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\nX-Request-Id: ${rid}\r\n\r\n{"username":"a"`,
        );
      }
      for (const rid of rids)
        assert.match(await waitForLog(logDir, 'manage_system', 'access', rid), /POST \/v1\/auth\/login 499 /);
      // The service still answers, and what it logged for the six is all in.
      assert.equal((await client(svc.url)('GET', '/v1/auth/me', { token })).status, 200);
      assertNoServerError(rids);
    });

    it('logs 499 for a CSV export the client leaves mid-stream, and nothing else', async () => {
      // More rows than the connection can buffer: the export cannot be complete when the client leaves.
      const rows = Math.ceil(socketBufferCeiling() / 300);
      await addLoginRecords(backend.env.DB_URL as string, rows);
      const rid = `gone-export-${randomBytes(3).toString('hex')}`;
      const got = await readSomeAndClose(
        svc.port,
        `GET /v1/records/login/export HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nX-Request-Id: ${rid}\r\n\r\n`,
      );
      assert.match(got, /^HTTP\/1\.1 200 /);
      assert.match(await waitForLog(logDir, 'manage_system', 'access', rid, 15_000), /GET \/v1\/records\/login\/export 499 /);
      assert.equal((await client(svc.url)('GET', '/v1/auth/me', { token })).status, 200);
      assertNoServerError([rid]);
      assert.doesNotMatch(readLogs(logDir, 'manage_system', 'failed'), /export/);
    });
  });
}

describeGuidance('guidance_ws: a command whose socket closes is cut, not failed', (ctx) => {
  it('stores a send whose client closed at once, logs an info line and no failure', async () => {
    const room = uniqueRoom('gone');
    const sender = await ctx.connect({ token: ctx.operatorToken });
    const raw = (sender.ws as unknown as { _socket: net.Socket })._socket;
    // One write: the server reads the send and the close together, before the store ends.
    raw.cork();
    sender.sendRaw(JSON.stringify({ cmd: 'send', req: 1, data: { room, body: { text: 'bye' } } }));
    sender.close();
    raw.uncork();
    await sender.waitClosed();

    const line = await waitForLog(ctx.logDir, 'guidance_ws', 'info', 'guide send reply not delivered', 15_000);
    assert.match(line, /the socket closed/);
    assert.doesNotMatch(readLogs(ctx.logDir, 'guidance_ws', 'failed'), /guide send/);
    const reader = await ctx.connect({ token: ctx.operatorToken });
    const history = await reader.request('history', { room });
    assert.equal(history.code, 0);
    assert.deepEqual(
      history.data.items.map((m: { body: unknown }) => m.body),
      [{ text: 'bye' }],
    );
    reader.close();
  });
});
