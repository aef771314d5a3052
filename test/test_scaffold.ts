import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { StaCode } from '../common/libs/sta_code.js';
import { tempDir } from './helper/backends.js';
import { type Call, client } from './helper/http_client.js';
import { freePort } from './helper/ports.js';
import { type ServiceProcess, startService } from './helper/service_process.js';

/** A copy of the project as it is now (tracked and new files), sharing node_modules. */
function copyProject(): string {
  const dir = tempDir('scaffold');
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && fs.existsSync(f) && !f.startsWith('node_modules/'));
  for (const file of files) {
    fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    fs.copyFileSync(file, path.join(dir, file));
  }
  fs.symlinkSync(path.resolve('node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => !f.startsWith('node_modules'))
    .sort();
}

function scaffold(dir: string, args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx/esm', 'tools/new_service.ts', ...args], { cwd: dir, encoding: 'utf8' });
}

/** Signs in to manage_system; the token. */
async function login(call: Call, username: string, password: string): Promise<string> {
  const res = await call('POST', '/v1/auth/login', { body: { username, password } });
  assert.equal(res.status, 200, res.text);
  return res.body.data.token;
}

describe('service scaffolder', function () {
  this.timeout(180_000);
  let dir: string;
  const logs: string[] = [];
  const adminPassword = `pw-${randomBytes(6).toString('hex')}`;
  let manage: ServiceProcess | undefined;

  /** manage_system of the copy, on its embedded default (no DB_URL): started once, when first needed. */
  async function manageSystem(): Promise<Call> {
    if (!manage) {
      const logDir = tempDir('scaffold-logs');
      logs.push(logDir);
      manage = await startService('http_manage_system.ts', { LOG_DIR: logDir, ADMIN_PASSWORD: adminPassword }, 25_000, dir);
    }
    return client(manage.url);
  }

  before(() => {
    dir = copyProject();
  });
  after(async () => {
    await manage?.stop();
    for (const d of [dir, ...logs]) fs.rmSync(d, { recursive: true, force: true });
  });

  it('refuses a bad name, an existing name, a declared port and a port in use, writing nothing', async () => {
    const before = listFiles(dir);
    const busy = net.createServer();
    const busyPort = await new Promise<number>((resolve) =>
      busy.listen(0, '127.0.0.1', () => resolve((busy.address() as net.AddressInfo).port)),
    );
    const cases: [string[], RegExp][] = [
      [['--name', 'Bad-Name', '--port', '9301'], /--name: "Bad-Name" must be snake_case/],
      [['--name', 'manage_system', '--port', '9301'], /--name: manage_system\/ already exists/],
      [['--name', 'common', '--port', '9301'], /--name: "common" is reserved/],
      [['--name', 'fresh_one', '--port', '8001'], /--port: 8001 is already the RUN_PORT of manage_system/],
      [['--name', 'fresh_one', '--port', String(busyPort)], /is in use on this machine/],
      [['--name', 'fresh_one', '--port', '80'], /--port: "80" must be a whole number from 1024 to 65535/],
      [['--name', 'fresh_one', '--port', '0x2455'], /--port: "0x2455" must be a whole number from 1024 to 65535/],
      [['--name', 'fresh_one', '--port', '9.301e3'], /--port: "9.301e3" must be a whole number from 1024 to 65535/],
      [['--name', 'fresh_one', '--kind', 'grpc', '--port', '9301'], /--kind: must be one of http, ws, server, service/],
      [['--name', 'fresh_one', '--tag', 'sys', '--port', '9301'], /--tag: "sys" is already the table tag of common\/model_db\//],
    ];
    try {
      for (const [args, message] of cases) {
        const res = scaffold(dir, args);
        assert.equal(res.status, 2, `${args.join(' ')}: ${res.stderr}`);
        assert.match(res.stderr, message);
        assert.equal(res.stderr.trim().split('\n').length, 1);
      }
    } finally {
      busy.close();
    }
    assert.deepEqual(listFiles(dir), before);
  });

  for (const kind of ['http', 'server'] as const) {
    it(`creates a startable ${kind} service whose own test passes`, async () => {
      const name = `shop_${kind}`;
      const port = await freePort();
      const res = scaffold(dir, ['--name', name, '--kind', kind, '--port', String(port), '--tag', kind.slice(0, 3)]);
      assert.equal(res.status, 0, res.stderr + res.stdout);
      for (const file of [
        `${name}/config/sys_conf.ts`,
        `${name}/db_model/item.ts`,
        `${name}/rc_model/item_rc.ts`,
        `${name}/script/index.ts`,
        `${kind}_${name}.ts`,
        `test/test_${name}.ts`,
      ]) {
        assert.ok(fs.existsSync(path.join(dir, file)), file);
      }
      assert.match(fs.readFileSync(path.join(dir, name, 'config/sys_conf.ts'), 'utf8'), new RegExp(`RUN_PORT = ${port};`));
      const inits = fs.readdirSync(path.join(dir, 'migrations', name)).filter((f) => f.endsWith('_init.ts'));
      assert.equal(inits.length, 1);
      // manage_system owns the session table: the new service reads it and never migrates it.
      assert.doesNotMatch(fs.readFileSync(path.join(dir, 'migrations', name, inits[0]!), 'utf8'), /sys_session/);
      const generatedTest = spawnSync(
        process.execPath,
        [
          'node_modules/mocha/bin/mocha.js',
          '--no-config',
          '--node-option',
          'import=tsx',
          '--exit',
          '--timeout',
          '60000',
          // The http kind's test runs on both back ends; the server kind's repeats the same
          // session cases, so it runs on the embedded default only to keep this file short.
          ...(kind === 'server' ? ['--grep', '\\[sqlite\\]'] : []),
          `test/test_${name}.ts`,
        ],
        { cwd: dir, encoding: 'utf8' },
      );
      assert.equal(generatedTest.status, 0, generatedTest.stdout + generatedTest.stderr);
      assert.match(generatedTest.stdout, /[1-9]\d* passing/);
      const check = spawnSync(
        process.execPath,
        ['node_modules/@biomejs/biome/bin/biome', 'check', name, `${kind}_${name}.ts`, `test/test_${name}.ts`],
        { cwd: dir, encoding: 'utf8' },
      );
      assert.equal(check.status, 0, check.stdout + check.stderr);
      const logDir = tempDir('scaffold-logs');
      logs.push(logDir);
      const svc = await startService(`${kind}_${name}.ts`, { LOG_DIR: logDir }, 25_000, dir);
      try {
        const call = client(svc.url);
        const health = await call('GET', '/health');
        assert.equal(health.status, 200);
        assert.equal(health.body.data.service, name);
        const docs = await call('GET', '/docs');
        assert.equal(docs.status, 200);
        assert.match(docs.text, new RegExp(`<title>${name} API reference</title>`));
        // Both on their config defaults: one SQLite file, so manage_system's token is known here.
        const manageCall = await manageSystem();
        const token = await login(manageCall, 'admin', adminPassword);
        const created = await call('POST', '/v1/items', { token, body: { name: 'by admin' } });
        assert.equal(created.status, 201, created.text);
        assert.equal((await call('GET', '/v1/items')).status, 200);
        assert.equal((await manageCall('POST', '/v1/auth/logout', { token })).status, 200);
        const revoked = await call('GET', `/v1/items/${created.body.data.id}`, { token });
        assert.equal(revoked.status, 401);
        assert.equal(revoked.body.code, StaCode.NOT_AUTHENTICATED.code);
      } finally {
        await svc.stop();
      }
    });
  }
});
