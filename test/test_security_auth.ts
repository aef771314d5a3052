import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describeManage } from './helper/manage_suite.js';

const TTL = 5;
const bodyFor = (method: string) => (method === 'GET' ? undefined : {});
/** Operations a viewer may not use (the rest of the secured ones it may). */
const ADMIN_ONLY = new Set(['POST /v1/accounts', 'DELETE /v1/accounts/{id}']);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

describeManage(
  'auth boundaries',
  (ctx) => {
    const unique = (p: string) => `${p}${randomBytes(3).toString('hex')}`;
    let operations: { method: string; path: string; key: string }[] = [];

    before(async () => {
      const doc = (await ctx.call('GET', '/openapi.json')).body;
      // a public operation declares `security: []`
      operations = Object.entries(doc.paths as Record<string, Record<string, { security: unknown[] }>>).flatMap(([path, ops]) =>
        Object.entries(ops)
          .filter(([, op]) => op.security.length > 0)
          .map(([verb, _]) => ({
            method: verb.toUpperCase(),
            path: path.replace('{id}', '1'),
            key: `${verb.toUpperCase()} ${path}`,
          })),
      );
      assert.ok(operations.length >= 8, `secured operations: ${operations.map((o) => o.key).join(', ')}`);
    });

    it('refuses every secured operation without a token, with a malformed one and with an expired one', async function () {
      this.timeout(30_000);
      const expired = await ctx.login('admin', ctx.adminPassword);
      await new Promise((r) => setTimeout(r, (TTL + 1) * 1000));
      for (const { method, path, key } of operations) {
        for (const authorization of [undefined, 'Bearer', 'Bearer !!!', `Basic ${expired}`, `Bearer ${expired}`]) {
          const res = await ctx.call(method, path, { headers: authorization ? { authorization } : {}, body: bodyFor(method) });
          assert.equal(res.status, 401, `${key} with ${authorization?.slice(0, 12)}`);
          assert.equal(res.body.code, 13);
        }
      }
    });

    it('refuses every secured operation with a revoked token', async () => {
      const token = await ctx.login('admin', ctx.adminPassword);
      assert.equal((await ctx.call('POST', '/v1/auth/logout', { token })).status, 200);
      for (const { method, path, key } of operations) {
        const res = await ctx.call(method, path, { token, body: bodyFor(method) });
        assert.equal(res.status, 401, key);
      }
    });

    it('refuses admin operations to a viewer with 403 and lets it read', async () => {
      const name = unique('vw');
      const admin = await ctx.login('admin', ctx.adminPassword);
      const res = await ctx.call('POST', '/v1/accounts', {
        token: admin,
        body: { username: name, password: 'viewer-pass', role: 'viewer' },
      });
      assert.equal(res.status, 201);
      const viewer = await ctx.login(name, 'viewer-pass');
      for (const { method, path, key } of operations.filter((o) => ADMIN_ONLY.has(o.key))) {
        const denied = await ctx.call(method, path, {
          token: viewer,
          body: { username: unique('x'), password: 'long-enough', role: 'admin' },
        });
        assert.equal(denied.status, 403, key);
        assert.equal(denied.body.code, 15);
      }
      const escalate = await ctx.call('PATCH', `/v1/accounts/${res.body.data.id}`, { token: viewer, body: { role: 'admin' } });
      assert.equal(escalate.status, 403);
      const me = await ctx.call('GET', '/v1/auth/me', { token: viewer });
      assert.equal(me.body.data.account.role, 'viewer');
      assert.equal((await ctx.call('GET', '/v1/accounts', { token: viewer })).status, 200);
    });

    it('holds the lockout under 50 parallel attempts', async () => {
      const name = unique('par');
      const admin = await ctx.login('admin', ctx.adminPassword);
      await ctx.call('POST', '/v1/accounts', {
        token: admin,
        body: { username: name, password: 'right-password', role: 'viewer' },
      });
      const replies = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          ctx.call('POST', '/v1/auth/login', { body: { username: name, password: i === 49 ? 'right-password' : `bad-${i}` } }),
        ),
      );
      const wrong = replies.slice(0, 49).filter((r) => r.status === 401).length;
      assert.ok(wrong <= 5, `${wrong} wrong passwords were checked`);
      assert.ok(replies.every((r) => [200, 401, 423].includes(r.status)));
      assert.equal(
        (await ctx.call('POST', '/v1/auth/login', { body: { username: name, password: 'right-password' } })).status,
        423,
      );
    });

    it('spends the same hashing work on an unknown user as on a wrong password', async function () {
      this.timeout(60_000);
      const known: string[] = [];
      for (let i = 0; i < 6; i++) {
        const name = unique('tm');
        // a token per account: six password hashes in a row can outlast a 5 s session under load
        const made = await ctx.call('POST', '/v1/accounts', {
          token: await ctx.login('admin', ctx.adminPassword),
          body: { username: name, password: 'right-password', role: 'viewer' },
        });
        assert.equal(made.status, 201, made.text);
        known.push(name);
      }
      const time = async (username: string) => {
        const started = performance.now();
        const res = await ctx.call('POST', '/v1/auth/login', { body: { username, password: 'wrong-password' } });
        assert.equal(res.status, 401);
        return performance.now() - started;
      };
      const wrong: number[] = [];
      const unknown: number[] = [];
      for (let round = 0; round < 3; round++) {
        for (const name of known) {
          wrong.push(await time(name));
          unknown.push(await time(unique('ghost')));
        }
      }
      // Without the decoy hash an unknown user answers in about a millisecond, a wrong password in tens.
      const ratio = median(unknown) / median(wrong);
      assert.ok(ratio > 0.5 && ratio < 2, `unknown ${median(unknown).toFixed(1)} ms vs wrong ${median(wrong).toFixed(1)} ms`);
    });
  },
  // These cases test the per-username lockout with many failures from one address: the
  // per-address limit (test_security_login_limit.ts) is lifted out of their way.
  { SESSION_TTL_SECONDS: String(TTL), LOGIN_IP_MAX_FAILURES: '100000' },
);
