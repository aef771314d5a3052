import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describeManage } from './helper/manage_suite.js';

const unique = (prefix: string) => `${prefix}${randomBytes(3).toString('hex')}`;

describeManage('manage_system auth', (ctx) => {
  it('signs in with the right password and answers the token, expiry and account', async () => {
    const res = await ctx.call('POST', '/v1/auth/login', { body: { username: 'admin', password: ctx.adminPassword } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    assert.equal(res.body.code, 0);
    assert.equal(res.body.data.token_type, 'Bearer');
    assert.ok(res.body.data.token.length >= 40);
    assert.ok(Date.parse(res.body.data.expires_at) > Date.now());
    assert.equal(res.body.data.account.username, 'admin');
    assert.equal(res.body.data.account.password_hash, undefined);
  });

  it('refuses a wrong password and an unknown user alike with 401', async () => {
    const wrong = await ctx.call('POST', '/v1/auth/login', { body: { username: 'admin', password: `${ctx.adminPassword}x` } });
    const unknown = await ctx.call('POST', '/v1/auth/login', { body: { username: unique('nobody'), password: 'whatever1' } });
    for (const res of [wrong, unknown]) {
      assert.equal(res.status, 401);
      assert.equal(res.body.code, 13);
      assert.equal(res.body.data, null);
    }
    assert.equal(wrong.body.msg, unknown.body.msg);
  });

  it('answers GET /auth/me for a signed-in caller', async () => {
    const res = await ctx.call('GET', '/v1/auth/me', { token: ctx.adminToken });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.account.username, 'admin');
    assert.equal(res.body.data.account.role, 'admin');
  });

  it('refuses no token, a malformed token and an unknown token with 401', async () => {
    for (const token of [undefined, 'short', randomBytes(32).toString('base64url')]) {
      const res = await ctx.call('GET', '/v1/auth/me', token ? { token } : {});
      assert.equal(res.status, 401, `token ${token}`);
      assert.equal(res.body.code, 13);
      assert.match(res.body.msg, /^authorization: /);
    }
  });

  it('revokes the token at logout, visible at once', async () => {
    const token = await ctx.login('admin', ctx.adminPassword);
    assert.equal((await ctx.call('GET', '/v1/auth/me', { token })).status, 200);
    const out = await ctx.call('POST', '/v1/auth/logout', { token });
    assert.equal(out.status, 200);
    assert.equal(out.body.data.revoked, true);
    const after = await ctx.call('GET', '/v1/auth/me', { token });
    assert.equal(after.status, 401);
    assert.equal((await ctx.call('POST', '/v1/auth/logout', { token })).status, 401);
  });

  it('refreshes a token: the new one works, the old one is revoked', async () => {
    const old = await ctx.login('admin', ctx.adminPassword);
    const res = await ctx.call('POST', '/v1/auth/refresh', { token: old });
    assert.equal(res.status, 200);
    const fresh = res.body.data.token as string;
    assert.notEqual(fresh, old);
    assert.equal((await ctx.call('GET', '/v1/auth/me', { token: fresh })).status, 200);
    assert.equal((await ctx.call('GET', '/v1/auth/me', { token: old })).status, 401);
  });

  it('locks a username for 15 minutes after 5 failures, even for the right password', async () => {
    const name = unique('lock');
    await ctx.createAccount(name, 'right-password', 'viewer');
    for (let i = 0; i < 5; i++) {
      const res = await ctx.call('POST', '/v1/auth/login', { body: { username: name, password: `wrong-${i}` } });
      assert.equal(res.status, 401);
    }
    const locked = await ctx.call('POST', '/v1/auth/login', { body: { username: name, password: 'right-password' } });
    assert.equal(locked.status, 423);
    assert.equal(locked.body.code, 14);
    const retryAfter = Number(locked.headers.get('retry-after'));
    assert.ok(retryAfter > 14 * 60 && retryAfter <= 15 * 60, `Retry-After ${retryAfter}`);
    assert.equal(locked.body.data.retry_after, retryAfter);
  });

  it('holds the lockout under 20 concurrent attempts: at most 5 reach the password check', async () => {
    const name = unique('race');
    await ctx.createAccount(name, 'right-password', 'viewer');
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ctx.call('POST', '/v1/auth/login', { body: { username: name, password: `bad-${i}` } }),
      ),
    );
    const statuses = replies.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 401).length, 5, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 423).length, 15, statuses.join(','));
    const after = await ctx.call('POST', '/v1/auth/login', { body: { username: name, password: 'right-password' } });
    assert.equal(after.status, 423);
  });

  it('records every attempt with account, username, ip, user agent and result', async () => {
    const name = unique('rec');
    const id = await ctx.createAccount(name, 'right-password', 'viewer');
    const ua = `probe-${randomBytes(3).toString('hex')}`;
    await ctx.call('POST', '/v1/auth/login', { body: { username: name, password: 'nope-nope' }, headers: { 'user-agent': ua } });
    await ctx.call('POST', '/v1/auth/login', {
      body: { username: name, password: 'right-password' },
      headers: { 'user-agent': ua },
    });
    const res = await ctx.call('GET', `/v1/records/login?username=${name}`, { token: ctx.adminToken });
    assert.equal(res.status, 200);
    const items = res.body.data.items as {
      account_id: number;
      username: string;
      ip: string;
      user_agent: string;
      result: string;
    }[];
    assert.deepEqual(
      items.map((r) => r.result),
      ['success', 'bad_password'],
    );
    for (const r of items) {
      assert.equal(r.account_id, id);
      assert.equal(r.username, name);
      assert.equal(r.user_agent, ua);
      assert.match(r.ip, /127\.0\.0\.1/);
    }
  });

  it('refuses a disabled account at login and ends its open sessions', async () => {
    const name = unique('dis');
    const id = await ctx.createAccount(name, 'right-password', 'operator');
    const token = await ctx.login(name, 'right-password');
    const patch = await ctx.call('PATCH', `/v1/accounts/${id}`, { token: ctx.adminToken, body: { status: 'disabled' } });
    assert.equal(patch.status, 200);
    assert.equal(patch.body.data.status, 'disabled');
    assert.equal((await ctx.call('GET', '/v1/auth/me', { token })).status, 401);
    const again = await ctx.call('POST', '/v1/auth/login', { body: { username: name, password: 'right-password' } });
    assert.equal(again.status, 403);
    assert.equal(again.body.code, 15);
  });
});
