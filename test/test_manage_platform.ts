import assert from 'node:assert/strict';
import { createSequelize } from '../common/libs/db_registry.js';
import { readLogs, waitForLog } from './helper/log_files.js';
import { describeManage } from './helper/manage_suite.js';

const ORIGIN = 'https://console.example.test';
const BODY_LIMIT = 4096;

describeManage(
  'manage_system platform',
  (ctx) => {
    it('answers /health with the service identity', async () => {
      const res = await ctx.call('GET', '/health');
      assert.equal(res.status, 200);
      assert.equal(res.body.code, 0);
      assert.equal(res.body.data.service, 'manage_system');
    });

    it('answers /ready with the state of database and cache', async () => {
      const res = await ctx.call('GET', '/ready');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.data, { status: 'ready', db: 'ok', cache: 'ok' });
    });

    it('serves an OpenAPI document listing every route with its schemas', async () => {
      const res = await ctx.call('GET', '/openapi.json');
      assert.equal(res.status, 200);
      assert.equal(res.body.openapi, '3.1.0');
      const paths = Object.keys(res.body.paths).sort();
      for (const p of ['/v1/auth/login', '/v1/auth/me', '/v1/accounts', '/v1/accounts/{id}', '/v1/records/login/export']) {
        assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
      }
      const create = res.body.paths['/v1/accounts'].post;
      const body = create.requestBody.content['application/json'].schema.$ref.split('/').pop();
      assert.deepEqual(res.body.components.schemas[body].required, ['username', 'password', 'role']);
      assert.ok(create.responses['201']);
      assert.deepEqual(create.security, [{ bearer: [] }]);
      assert.deepEqual(res.body.paths['/v1/auth/login'].post.security, []);
      assert.equal(res.body.paths['/v1/accounts/{id}'].get.parameters[0].in, 'path');
    });

    it('answers an unknown path with 404 in the envelope', async () => {
      const res = await ctx.call('GET', '/v1/nothing-here');
      assert.equal(res.status, 404);
      assert.equal(res.body.code, 404);
      assert.equal(typeof res.body.request_id, 'string');
    });

    it('answers malformed JSON with 400 and a non-JSON body with 415', async () => {
      const bad = await ctx.call('POST', '/v1/auth/login', {
        raw: '{"username": "admin", ',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.code, 11);
      assert.match(bad.body.msg, /^body: malformed JSON/);
      const form = await ctx.call('POST', '/v1/auth/login', {
        raw: 'username=admin',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(form.status, 415);
      assert.equal(form.body.code, 18);
    });

    it('answers a body over the limit with 413 in the envelope', async () => {
      const res = await ctx.call('POST', '/v1/auth/login', { body: { username: 'admin', password: 'x'.repeat(BODY_LIMIT) } });
      assert.equal(res.status, 413);
      assert.equal(res.body.code, 413);
    });

    it('names each answer by its request id, never one a client that is no trusted proxy chose', async () => {
      // TRUSTED_PROXIES is empty here: no peer may set the id (test_topology_nginx: nginx may)
      for (const given of ['trace-abc.123', 'a b INFO forged']) {
        const res = await ctx.call('GET', '/health', { headers: { 'x-request-id': given } });
        const rid = res.headers.get('x-request-id') ?? '';
        assert.notEqual(rid, given);
        assert.match(rid, /^[0-9a-f-]{36}$/);
        assert.equal(res.body.request_id, rid);
      }
    });

    it('sends secure headers', async () => {
      const res = await ctx.call('GET', '/health');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.ok(res.headers.get('strict-transport-security'));
    });

    it('allows CORS for a configured origin only', async () => {
      const allowed = await ctx.call('OPTIONS', '/v1/auth/login', {
        headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
      });
      assert.equal(allowed.status, 204);
      assert.equal(allowed.headers.get('access-control-allow-origin'), ORIGIN);
      const other = await ctx.call('GET', '/health', { headers: { origin: 'https://evil.example.test' } });
      assert.equal(other.headers.get('access-control-allow-origin'), null);
    });

    it('writes info and access logs carrying the request id, with no password or token', async () => {
      const login = await ctx.call('POST', '/v1/auth/login', { body: { username: 'admin', password: ctx.adminPassword } });
      const rid = login.headers.get('x-request-id') ?? '';
      assert.equal(login.body.request_id, rid);
      const access = await waitForLog(ctx.logDir, 'manage_system', 'access', rid);
      assert.match(access, /POST \/v1\/auth\/login 200/);
      const info = await waitForLog(ctx.logDir, 'manage_system', 'info', rid);
      assert.match(info, /login admin/);
      const all = ['info', 'access', 'failed'].map((k) => readLogs(ctx.logDir, 'manage_system', k)).join('');
      assert.ok(!all.includes(ctx.adminPassword), 'the admin password reached a log');
      assert.ok(!all.includes(ctx.adminToken), 'a token reached a log');
    });

    it('answers an unhandled failure with 500 in the envelope and logs it with the request id', async () => {
      const sequelize = createSequelize(ctx.backend.env.DB_URL as string);
      await sequelize.getQueryInterface().removeColumn('sys_records_login', 'user_agent');
      await sequelize.close();
      const res = await ctx.call('GET', '/v1/records/login', { token: ctx.adminToken });
      const rid = res.headers.get('x-request-id') ?? '';
      assert.equal(res.status, 500);
      assert.equal(res.body.code, 500);
      assert.equal(res.body.request_id, rid);
      assert.equal(res.body.msg, 'internal server error');
      const line = await waitForLog(ctx.logDir, 'manage_system', 'failed', rid);
      assert.match(line, /unhandled error in GET \/v1\/records\/login/);
      assert.equal((await ctx.call('GET', '/health')).status, 200);
    });
  },
  { CORS_ORIGINS: ORIGIN, BODY_LIMIT: String(BODY_LIMIT) },
);
