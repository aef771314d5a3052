import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { type Call, client, type Reply } from './helper/http_client.js';
import { describeManage, type ManageCtx } from './helper/manage_suite.js';
import { type ServiceProcess, startService } from './helper/service_process.js';

// biome-ignore lint/suspicious/noExplicitAny: a JSON document walked by path
type Json = Record<string, any>;

const DOC_ID = 'https://gatehouse.test/openapi.json';

/**
 * The served document with every object schema closed (except inline `allOf` parts), so
 * an answer with a field the document does not declare fails too.
 */
function closedCopy(node: unknown, allOfPart = false): unknown {
  if (Array.isArray(node)) return node.map((n) => closedCopy(n));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === 'allOf' ? (value as unknown[]).map((n) => closedCopy(n, true)) : closedCopy(value);
  }
  if ('properties' in out && !('additionalProperties' in out) && !allOfPart) out.additionalProperties = false;
  return out;
}

/** Checks answers against the schema the document declares for their operation, status and media type. */
function answerChecker(doc: Json) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ ...(closedCopy(doc) as Json), $id: DOC_ID });
  const ops = new Map<string, Json>();
  for (const item of Object.values(doc.paths as Json)) for (const op of Object.values(item as Json)) ops.set(op.operationId, op);

  return {
    ids: [...ops.keys()],
    check(operationId: string, reply: Reply): void {
      const op = ops.get(operationId);
      assert.ok(op, `no operation ${operationId}`);
      let response = op.responses[String(reply.status)];
      assert.ok(response, `${operationId} answered ${reply.status}, which it does not declare: ${reply.text.slice(0, 300)}`);
      if (response.$ref) response = doc.components.responses[response.$ref.split('/').pop()];
      const media = (reply.headers.get('content-type') ?? '').split(';')[0] as string;
      const declared = response.content?.[media];
      assert.ok(declared, `${operationId} ${reply.status} answered ${media}, declared ${Object.keys(response.content ?? {})}`);
      const schema = JSON.parse(
        JSON.stringify(closedCopy(declared.schema)).replaceAll('"#/components/', `"${DOC_ID}#/components/`),
      );
      const validate = ajv.compile(schema);
      const value = media === 'application/json' ? reply.body : reply.text;
      assert.ok(
        validate(value),
        `${operationId} ${reply.status}: ${ajv.errorsText(validate.errors)}\n${reply.text.slice(0, 500)}`,
      );
    },
  };
}

type Case = (ctx: ManageCtx) => Promise<{ ok: Reply; refused?: Reply }>;

/** Routes every HTTP service serves; none has a 4xx a client can provoke (they read no input). */
const PLATFORM_CASES: Record<string, (call: Call) => Promise<{ ok: Reply }>> = {
  getHealth: async (call) => ({ ok: await call('GET', '/health') }),
  getReady: async (call) => ({ ok: await call('GET', '/ready') }),
  getOpenApi: async (call) => ({ ok: await call('GET', '/openapi.json') }),
};

/** Runs each case and checks its answers against the document. */
async function checkCases(doc: Json, cases: Record<string, () => Promise<{ ok: Reply; refused?: Reply }>>): Promise<void> {
  const checker = answerChecker(doc);
  assert.deepEqual(checker.ids.sort(), Object.keys(cases).sort(), 'a case for every operation the document lists');
  for (const [id, run] of Object.entries(cases)) {
    const { ok, refused } = await run();
    assert.ok(ok.status >= 200 && ok.status < 300, `${id}: ${ok.status} ${ok.text.slice(0, 300)}`);
    checker.check(id, ok);
    if (!refused) continue;
    assert.ok(refused.status >= 400 && refused.status < 500, `${id}: ${refused.status} ${refused.text.slice(0, 300)}`);
    checker.check(id, refused);
  }
}

let counter = 0;
const fresh = (prefix: string) => `${prefix}${Date.now().toString(36)}${counter++}`;

/** For every operation of manage_system: a call it answers with its 2xx, and one it refuses with a 4xx. */
const CASES: Record<string, Case> = {
  postLogin: async ({ call, adminPassword }) => ({
    ok: await call('POST', '/v1/auth/login', { body: { username: 'admin', password: adminPassword } }),
    refused: await call('POST', '/v1/auth/login', { body: { username: 'admin', password: `${adminPassword}x` } }),
  }),
  postLogout: async ({ call, login, adminPassword }) => ({
    ok: await call('POST', '/v1/auth/logout', { token: await login('admin', adminPassword) }),
    refused: await call('POST', '/v1/auth/logout'),
  }),
  postRefresh: async ({ call, login, adminPassword }) => ({
    ok: await call('POST', '/v1/auth/refresh', { token: await login('admin', adminPassword) }),
    refused: await call('POST', '/v1/auth/refresh', { token: 'not-a-token' }),
  }),
  getMe: async ({ call, adminToken }) => ({
    ok: await call('GET', '/v1/auth/me', { token: adminToken }),
    refused: await call('GET', '/v1/auth/me'),
  }),
  getAccountList: async ({ call, adminToken }) => ({
    ok: await call('GET', '/v1/accounts?page_size=5', { token: adminToken }),
    refused: await call('GET', '/v1/accounts?colour=red', { token: adminToken }),
  }),
  postAccountList: async ({ call, adminToken }) => {
    const body = { username: fresh('oa'), password: 'password-1', role: 'viewer' };
    const ok = await call('POST', '/v1/accounts', { token: adminToken, body });
    return { ok, refused: await call('POST', '/v1/accounts', { token: adminToken, body }) };
  },
  getAccount: async ({ call, adminToken, createAccount }) => ({
    ok: await call('GET', `/v1/accounts/${await createAccount(fresh('oa'), 'password-1', 'viewer')}`, { token: adminToken }),
    refused: await call('GET', '/v1/accounts/999999', { token: adminToken }),
  }),
  patchAccount: async ({ call, adminToken, createAccount }) => {
    const id = await createAccount(fresh('oa'), 'password-1', 'viewer');
    return {
      ok: await call('PATCH', `/v1/accounts/${id}`, { token: adminToken, body: { display_name: 'Renamed' } }),
      refused: await call('PATCH', `/v1/accounts/${id}`, { token: adminToken, body: { nickname: 'x' } }),
    };
  },
  deleteAccount: async ({ call, adminToken, createAccount }) => {
    const id = await createAccount(fresh('oa'), 'password-1', 'viewer');
    const ok = await call('DELETE', `/v1/accounts/${id}`, { token: adminToken });
    return { ok, refused: await call('DELETE', `/v1/accounts/${id}`, { token: adminToken }) };
  },
  getLoginRecordList: async ({ call, adminToken }) => ({
    ok: await call('GET', '/v1/records/login?page_size=5', { token: adminToken }),
    refused: await call('GET', '/v1/records/login?result=maybe', { token: adminToken }),
  }),
  getLoginRecordExport: async ({ call, adminToken }) => ({
    ok: await call('GET', '/v1/records/login/export?result=success', { token: adminToken }),
    refused: await call('GET', '/v1/records/login/export?since=yesterday', { token: adminToken }),
  }),
  postGuidanceMessageList: async ({ call, adminToken }) => ({
    ok: await call('POST', '/v1/guidance/rooms/lobby/messages', { token: adminToken, body: { body: 'turn left' } }),
    refused: await call('POST', '/v1/guidance/rooms/lobby/messages', { token: adminToken, body: {} }),
  }),
};

describeManage('what each operation answers matches its declared schema', (ctx) => {
  it('manage_system: answers its 2xx and a 4xx as declared, for every operation', async () => {
    const res = await ctx.call('GET', '/openapi.json');
    assert.equal(res.status, 200);
    await checkCases(res.body, {
      ...Object.fromEntries(Object.entries(PLATFORM_CASES).map(([id, run]) => [id, () => run(ctx.call)])),
      ...Object.fromEntries(Object.entries(CASES).map(([id, run]) => [id, () => run(ctx)])),
    });
  });

  describe('guidance_ws', () => {
    let gateway: ServiceProcess;

    before(async function () {
      this.timeout(30_000);
      gateway = await startService('ws_guidance.ts', { ...ctx.backend.env, LOG_DIR: ctx.logDir });
    });

    after(async () => {
      await gateway?.stop();
    });

    it('guidance_ws: answers its 2xx as declared, for every operation', async () => {
      const call = client(gateway.url);
      const res = await call('GET', '/openapi.json');
      assert.equal(res.status, 200);
      await checkCases(res.body, Object.fromEntries(Object.entries(PLATFORM_CASES).map(([id, run]) => [id, () => run(call)])));
    });
  });

  it('refuses an answer that strays from the document', async () => {
    const checker = answerChecker((await ctx.call('GET', '/openapi.json')).body);
    const headers = new Headers({ 'content-type': 'application/json' });
    const body = { code: 0, msg: 'ok', data: { status: 'ok', service: 'x', id: 'y', extra: 1 }, request_id: 'r' };
    assert.throws(() => checker.check('getHealth', { status: 200, headers, body, text: JSON.stringify(body) }), /getHealth 200/);
  });
});
