import { hasHttpRoutes, hasWebSocket, launcherName, type PlannedFile, type ServicePlan } from './plan.js';

const HTTP_CASES = `
  it('creates an item with 201 and reads it back', async () => {
    const created = await call('POST', '/v1/items', { body: { name: 'first' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.data.name, 'first');
    const read = await call('GET', \`/v1/items/\${created.body.data.id}\`);
    assert.equal(read.status, 200);
    assert.equal(read.body.data.id, created.body.data.id);
  });

  it('names the failing field of a bad body with 422', async () => {
    const res = await call('POST', '/v1/items', { body: { name: '' } });
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

/** test/test_<name>.ts: starts the real launcher on the embedded default and speaks to it. */
export function testFile(p: ServicePlan): PlannedFile {
  const text = `import assert from 'node:assert/strict';
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

  it('answers /health with its name', async () => {
    const res = await call('GET', '/health');
    assert.equal(res.status, 200);
    assert.equal(res.body.data.service, '${p.name}');
  });
${hasHttpRoutes(p) ? HTTP_CASES : ''}${hasWebSocket(p) ? WS_CASES : ''}});
`;
  return { path: `test/test_${p.name}.ts`, text };
}
