import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describeManage } from './helper/manage_suite.js';

const unique = (prefix: string) => `${prefix}${randomBytes(3).toString('hex')}`;

describeManage('manage_system accounts', (ctx) => {
  it('creates an account with 201 and never shows its password hash', async () => {
    const username = unique('new');
    const res = await ctx.call('POST', '/v1/accounts', {
      token: ctx.adminToken,
      body: { username, password: 'long-enough', role: 'operator', display_name: '操作员' },
    });
    assert.equal(res.status, 201);
    assert.equal(res.body.code, 0);
    assert.equal(res.body.data.username, username);
    assert.equal(res.body.data.display_name, '操作员');
    assert.equal(res.body.data.role, 'operator');
    assert.equal(res.body.data.status, 'active');
    assert.equal(res.body.data.password_hash, undefined);
    assert.equal(typeof res.body.data.id, 'number');
  });

  it('refuses a duplicate username with 409 and writes nothing', async () => {
    const username = unique('dup');
    await ctx.createAccount(username, 'long-enough', 'viewer');
    const res = await ctx.call('POST', '/v1/accounts', {
      token: ctx.adminToken,
      body: { username, password: 'other-one', role: 'admin' },
    });
    assert.equal(res.status, 409);
    assert.equal(res.body.code, 16);
    assert.match(res.body.msg, /^username: /);
    const list = await ctx.call('GET', `/v1/accounts?username=${username}`, { token: ctx.adminToken });
    assert.equal(list.body.data.total, 1);
    assert.equal(list.body.data.items[0].role, 'viewer');
  });

  it('names the failing field of a bad body with 422', async () => {
    const cases: [unknown, RegExp][] = [
      [{ password: 'long-enough', role: 'viewer' }, /^body\.username: is required/],
      [{ username: 'ab', password: 'long-enough', role: 'viewer' }, /^body\.username: /],
      [{ username: unique('u'), password: 'short', role: 'viewer' }, /^body\.password: /],
      [{ username: unique('u'), password: 'long-enough', role: 'king' }, /^body\.role: must be one of viewer, operator, admin/],
      [
        { username: unique('u'), password: 'long-enough', role: 'viewer', is_root: true },
        /^body\.is_root: is not an accepted field/,
      ],
      [{ username: 42, password: 'long-enough', role: 'viewer' }, /^body\.username: must be string/],
    ];
    for (const [body, msg] of cases) {
      const res = await ctx.call('POST', '/v1/accounts', { token: ctx.adminToken, body });
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.equal(res.body.code, 12);
      assert.match(res.body.msg, msg);
      assert.equal(res.body.data.field, res.body.msg.split(':')[0]);
    }
  });

  it('lists with paging, filters and sort', async () => {
    const tag = unique('pg');
    for (let i = 0; i < 5; i++) await ctx.createAccount(`${tag}_${i}`, 'long-enough', i % 2 ? 'operator' : 'viewer');
    const page1 = await ctx.call('GET', `/v1/accounts?username=${tag}&page=1&page_size=2&sort=username`, {
      token: ctx.adminToken,
    });
    assert.equal(page1.status, 200);
    assert.deepEqual(Object.keys(page1.body.data).sort(), ['items', 'page', 'page_size', 'total']);
    assert.equal(page1.body.data.total, 5);
    assert.equal(page1.body.data.page, 1);
    assert.equal(page1.body.data.page_size, 2);
    assert.deepEqual(
      page1.body.data.items.map((a: { username: string }) => a.username),
      [`${tag}_0`, `${tag}_1`],
    );
    const page3 = await ctx.call('GET', `/v1/accounts?username=${tag}&page=3&page_size=2&sort=username`, {
      token: ctx.adminToken,
    });
    assert.deepEqual(
      page3.body.data.items.map((a: { username: string }) => a.username),
      [`${tag}_4`],
    );
    const desc = await ctx.call('GET', `/v1/accounts?username=${tag}&sort=-username`, { token: ctx.adminToken });
    assert.equal(desc.body.data.items[0].username, `${tag}_4`);
    const ops = await ctx.call('GET', `/v1/accounts?username=${tag}&role=operator`, { token: ctx.adminToken });
    assert.equal(ops.body.data.total, 2);
    assert.ok(ops.body.data.items.every((a: { role: string }) => a.role === 'operator'));
    const bad = await ctx.call('GET', '/v1/accounts?page_size=1000', { token: ctx.adminToken });
    assert.equal(bad.status, 422);
    assert.match(bad.body.msg, /^query\.page_size: /);
  });

  it('treats % and _ in the username filter literally', async () => {
    const res = await ctx.call('GET', `/v1/accounts?username=${encodeURIComponent('%')}`, { token: ctx.adminToken });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.total, 0);
  });

  it('reads one account, 404 for a missing id and 422 for a non-numeric one', async () => {
    const id = await ctx.createAccount(unique('rd'), 'long-enough', 'viewer');
    const res = await ctx.call('GET', `/v1/accounts/${id}`, { token: ctx.adminToken });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.id, id);
    const missing = await ctx.call('GET', `/v1/accounts/${id + 100000}`, { token: ctx.adminToken });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 404);
    const bad = await ctx.call('GET', '/v1/accounts/abc', { token: ctx.adminToken });
    assert.equal(bad.status, 422);
    assert.match(bad.body.msg, /^params\.id: /);
  });

  it('updates part of an account and the cached read shows it at once', async () => {
    const id = await ctx.createAccount(unique('up'), 'long-enough', 'viewer');
    await ctx.call('GET', `/v1/accounts/${id}`, { token: ctx.adminToken });
    const res = await ctx.call('PATCH', `/v1/accounts/${id}`, {
      token: ctx.adminToken,
      body: { display_name: 'Renamed', role: 'operator' },
    });
    assert.equal(res.status, 200);
    const read = await ctx.call('GET', `/v1/accounts/${id}`, { token: ctx.adminToken });
    assert.equal(read.body.data.display_name, 'Renamed');
    assert.equal(read.body.data.role, 'operator');
    const empty = await ctx.call('PATCH', `/v1/accounts/${id}`, { token: ctx.adminToken, body: {} });
    assert.equal(empty.status, 422);
  });

  it('gives a changed role to open sessions at once', async () => {
    const username = unique('role');
    const id = await ctx.createAccount(username, 'long-enough', 'viewer');
    const token = await ctx.login(username, 'long-enough');
    const before = await ctx.call('POST', '/v1/accounts', {
      token,
      body: { username: unique('x'), password: 'long-enough', role: 'viewer' },
    });
    assert.equal(before.status, 403);
    await ctx.call('PATCH', `/v1/accounts/${id}`, { token: ctx.adminToken, body: { role: 'admin' } });
    const after = await ctx.call('POST', '/v1/accounts', {
      token,
      body: { username: unique('x'), password: 'long-enough', role: 'viewer' },
    });
    assert.equal(after.status, 201);
  });

  it('lets a viewer change its own password but not its role, status or anyone else', async () => {
    const username = unique('vw');
    const id = await ctx.createAccount(username, 'long-enough', 'viewer');
    const otherId = await ctx.createAccount(unique('ot'), 'long-enough', 'viewer');
    const token = await ctx.login(username, 'long-enough');
    for (const body of [{ role: 'admin' }, { status: 'active' }]) {
      const res = await ctx.call('PATCH', `/v1/accounts/${id}`, { token, body });
      assert.equal(res.status, 403, JSON.stringify(body));
      assert.equal(res.body.code, 15);
    }
    assert.equal((await ctx.call('PATCH', `/v1/accounts/${otherId}`, { token, body: { display_name: 'x' } })).status, 403);
    const me = await ctx.call('GET', '/v1/auth/me', { token });
    assert.equal(me.body.data.account.role, 'viewer');
    const pw = await ctx.call('PATCH', `/v1/accounts/${id}`, { token, body: { password: 'brand-new-pass' } });
    assert.equal(pw.status, 200);
    assert.equal((await ctx.call('GET', '/v1/auth/me', { token })).status, 200);
    await ctx.login(username, 'brand-new-pass');
  });

  it('refuses writes to a viewer and an operator with 403', async () => {
    for (const role of ['viewer', 'operator']) {
      const username = unique(role.slice(0, 3));
      await ctx.createAccount(username, 'long-enough', role);
      const token = await ctx.login(username, 'long-enough');
      const res = await ctx.call('POST', '/v1/accounts', {
        token,
        body: { username: unique('z'), password: 'long-enough', role: 'viewer' },
      });
      assert.equal(res.status, 403);
      assert.equal(res.body.code, 15);
      assert.equal((await ctx.call('GET', '/v1/accounts', { token })).status, 200);
    }
  });

  it('deletes an account, ends its sessions and refuses deleting yourself', async () => {
    const username = unique('del');
    const id = await ctx.createAccount(username, 'long-enough', 'operator');
    const token = await ctx.login(username, 'long-enough');
    await ctx.call('GET', `/v1/accounts/${id}`, { token: ctx.adminToken });
    const res = await ctx.call('DELETE', `/v1/accounts/${id}`, { token: ctx.adminToken });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.deleted, true);
    assert.equal((await ctx.call('GET', `/v1/accounts/${id}`, { token: ctx.adminToken })).status, 404);
    assert.equal((await ctx.call('GET', '/v1/auth/me', { token })).status, 401);
    const me = await ctx.call('GET', '/v1/auth/me', { token: ctx.adminToken });
    const self = await ctx.call('DELETE', `/v1/accounts/${me.body.data.account.id}`, { token: ctx.adminToken });
    assert.equal(self.status, 403);
    assert.equal((await ctx.call('GET', '/v1/auth/me', { token: ctx.adminToken })).status, 200);
  });

  it('answers a verb the view lacks with 405 in the envelope and an Allow header', async () => {
    const res = await ctx.call('PUT', '/v1/accounts', { token: ctx.adminToken, body: {} });
    assert.equal(res.status, 405);
    assert.equal(res.body.code, 405);
    assert.equal(res.headers.get('allow'), 'GET, POST, HEAD');
  });
});
