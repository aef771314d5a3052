import { hasHttpRoutes, hasWebSocket, launcherName, type PlannedFile, type ServicePlan } from './plan.js';

const HTTP_CASES = `
  it('accepts a manage_system token: an operator creates an item with 201, a viewer reads it back', async () => {
    const created = await call('POST', '/v1/items', { token: operatorToken, body: { name: 'first' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.data.name, 'first');
    const read = await call('GET', \`/v1/items/\${created.body.data.id}\`, { token: viewerToken });
    assert.equal(read.status, 200);
    assert.equal(read.body.data.id, created.body.data.id);
  });

  it('refuses a viewer on an operator route with 403', async () => {
    const res = await call('POST', '/v1/items', { token: viewerToken, body: { name: 'not mine' } });
    assert.equal(res.status, 403);
    assert.equal(res.body.code, StaCode.FORBIDDEN.code);
  });

  it('refuses a missing or unknown token with 401', async () => {
    for (const token of [undefined, 'x'.repeat(43)]) {
      const res = await call('GET', '/v1/items/1', { token });
      assert.equal(res.status, 401);
      assert.equal(res.body.code, StaCode.NOT_AUTHENTICATED.code);
    }
  });

  it('refuses a token with 401 as soon as manage_system revokes it', async () => {
    const created = await call('POST', '/v1/items', { token: operatorToken, body: { name: 'kept' } });
    const itemPath = \`/v1/items/\${created.body.data.id}\`;
    const token = await login(manage, viewer);
    assert.equal((await call('GET', itemPath, { token })).status, 200);
    assert.equal((await manage('POST', '/v1/auth/logout', { token })).status, 200);
    const res = await call('GET', itemPath, { token });
    assert.equal(res.status, 401);
    assert.equal(res.body.code, StaCode.NOT_AUTHENTICATED.code);
  });

  it('serves a public route without a token', async () => {
    const res = await call('GET', '/v1/items');
    assert.equal(res.status, 200);
    assert.equal(typeof res.body.data.total, 'number');
  });

  it('names the failing field of a bad body with 422', async () => {
    const res = await call('POST', '/v1/items', { token: operatorToken, body: { name: '' } });
    assert.equal(res.status, 422);
    assert.match(res.body.msg, /^body\\.name: /);
  });
`;

const WS_CASES = `
  it('answers ping with pong over its WebSocket', async () => {
    const socket = new WebSocket(\`\${svc.url.replace('http', 'ws')}/v1/echo\`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const reply = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
    socket.send(JSON.stringify({ cmd: 'ping', req: 7 }));
    assert.deepEqual(JSON.parse(await reply), { cmd: 'pong', req: 7, code: 0, msg: 'ok', data: null });
    socket.close();
  });
`;

const HEALTH_CASE = (name: string) => `
  it('answers /health with its name', async () => {
    const res = await call('GET', '/health');
    assert.equal(res.status, 200);
    assert.equal(res.body.data.service, '${name}');
  });
`;

/**
 * An HTTP service's test: on the embedded default and on MariaDB + Redis, it starts the real
 * manage_system and the new launcher on one back end, signs in to manage_system and calls
 * the new service with those tokens.
 */
function sessionTest(p: ServicePlan): string {
  return `import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
${hasWebSocket(p) ? "import WebSocket from 'ws';\n" : ''}import { StaCode } from '../common/libs/sta_code.js';
import { BACKEND_NAMES, type Backend, needServices, openBackend, tempDir } from './helper/backends.js';
import { type Call, client } from './helper/http_client.js';
import { type ServiceProcess, startService } from './helper/service_process.js';

interface Credentials {
  username: string;
  password: string;
}

async function login(manage: Call, who: Credentials): Promise<string> {
  const res = await manage('POST', '/v1/auth/login', { body: who });
  assert.equal(res.status, 200, res.text);
  return res.body.data.token;
}

/** Creates an account in manage_system (as admin) and returns how to sign in with it. */
async function newAccount(manage: Call, adminToken: string, role: string): Promise<Credentials> {
  const who = { username: \`\${role.slice(0, 3)}\${randomBytes(4).toString('hex')}\`, password: \`pw-\${randomBytes(6).toString('hex')}\` };
  const res = await manage('POST', '/v1/accounts', { token: adminToken, body: { ...who, role } });
  assert.equal(res.status, 201, res.text);
  return who;
}

for (const backendName of BACKEND_NAMES) {
  describe(\`${p.name} [\${backendName}]\`, function () {
    this.timeout(60_000);
    let backend: Backend;
    let logDir: string;
    let manageSvc: ServiceProcess;
    let svc: ServiceProcess;
    let manage: Call;
    let call: Call;
    let viewer: Credentials;
    let viewerToken: string;
    let operatorToken: string;

    before(async function () {
      if (backendName === 'mysql') await needServices(this);
      backend = await openBackend(backendName);
      logDir = tempDir('${p.name}');
      const adminPassword = \`pw-\${randomBytes(6).toString('hex')}\`;
      const env = { ...backend.env, LOG_DIR: logDir };
      manageSvc = await startService('http_manage_system.ts', { ...env, ADMIN_PASSWORD: adminPassword });
      svc = await startService('${launcherName(p)}', env);
      manage = client(manageSvc.url);
      call = client(svc.url);
      const adminToken = await login(manage, { username: 'admin', password: adminPassword });
      viewer = await newAccount(manage, adminToken, 'viewer');
      viewerToken = await login(manage, viewer);
      operatorToken = await login(manage, await newAccount(manage, adminToken, 'operator'));
    });

    after(async () => {
      await Promise.all([svc?.stop(), manageSvc?.stop()]);
      await backend?.teardown();
      if (logDir) fs.rmSync(logDir, { recursive: true, force: true });
    });
${HEALTH_CASE(p.name)}${HTTP_CASES}${hasWebSocket(p) ? WS_CASES : ''}  });
}
`;
}

/** A service without HTTP routes: its launcher alone, on the embedded default. */
function standaloneTest(p: ServicePlan): string {
  return `import assert from 'node:assert/strict';
${hasWebSocket(p) ? "import WebSocket from 'ws';\n" : ''}import { tempDir } from './helper/backends.js';
import { type Call, client } from './helper/http_client.js';
import { type ServiceProcess, startService } from './helper/service_process.js';

describe('${p.name}', function () {
  this.timeout(60_000);
  let svc: ServiceProcess;
  let call: Call;

  before(async () => {
    const dir = tempDir('${p.name}');
    svc = await startService('${launcherName(p)}', { DB_URL: \`sqlite:\${dir}/data.sqlite\`, REDIS_URL: '', LOG_DIR: \`\${dir}/logs\` });
    call = client(svc.url);
  });

  after(async () => {
    await svc?.stop();
  });
${HEALTH_CASE(p.name)}${hasWebSocket(p) ? WS_CASES : ''}});
`;
}

/** test/test_<name>.ts: starts the real launcher(s) and speaks to them. */
export function testFile(p: ServicePlan): PlannedFile {
  return { path: `test/test_${p.name}.ts`, text: hasHttpRoutes(p) ? sessionTest(p) : standaloneTest(p) };
}
