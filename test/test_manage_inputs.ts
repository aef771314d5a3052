import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Reply } from './helper/http_client.js';
import { describeManage } from './helper/manage_suite.js';

/** Integer texts that are not plain decimal digits, or lie outside every id's range (1..2^53-1). */
const BAD_INTEGER_TEXTS = [
  '1e309',
  '1e400',
  '0x10',
  '%2B5', // +5
  '05',
  '5.0',
  '%205', // " 5"
  '5%20',
  '',
  '-0',
  '-1',
  '0',
  '9223372036854775808', // 2^63
  '9007199254740992', // 2^53
  '99999999999999999999999',
  'Infinity',
  'NaN',
  '0b1',
  '1_000',
  '%D9%A1', // Arabic-Indic digit one
];

/** A 422 envelope (not a CSV, not a 500) whose message and `data.field` name `field`. */
function assertRefused(res: Reply, field: string, what: string): void {
  assert.equal(res.status, 422, `${what}: ${res.status} ${res.text.slice(0, 200)}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/, what);
  assert.equal(res.body.code, 12, what);
  assert.equal(res.body.data?.field, field, what);
  assert.ok(res.body.msg.startsWith(`${field}: `), `${what}: ${res.body.msg}`);
  assert.equal(typeof res.body.request_id, 'string', what);
}

describeManage('manage_system input rules', (ctx) => {
  const get = (path: string) => ctx.call('GET', path, { token: ctx.adminToken });

  describe('integers in path and query', () => {
    const targets: [string, (text: string) => string, string][] = [
      ['records account_id', (t) => `/v1/records/login?account_id=${t}`, 'query.account_id'],
      ['export account_id', (t) => `/v1/records/login/export?account_id=${t}`, 'query.account_id'],
      ['records page', (t) => `/v1/records/login?page=${t}`, 'query.page'],
      ['accounts page_size', (t) => `/v1/accounts?page_size=${t}`, 'query.page_size'],
      ['account id', (t) => `/v1/accounts/${t || '%20'}`, 'params.id'],
    ];
    for (const [name, url, field] of targets) {
      it(`refuses ${name} that is not plain decimal digits in range with 422 naming ${field}`, async () => {
        for (const text of BAD_INTEGER_TEXTS) assertRefused(await get(url(text)), field, `${name}=${JSON.stringify(text)}`);
      });
    }

    it('refuses every malformed account id before touching the account, for PATCH and DELETE too', async () => {
      const id = await ctx.createAccount(`in${randomBytes(3).toString('hex')}`, 'inputs-password', 'viewer');
      for (const text of [`${id}.0`, `0${id}`, `${id}e0`, `%20${id}`, `%2B${id}`]) {
        const patch = await ctx.call('PATCH', `/v1/accounts/${text}`, { token: ctx.adminToken, body: { status: 'disabled' } });
        assertRefused(patch, 'params.id', `PATCH ${text}`);
        assertRefused(await ctx.call('DELETE', `/v1/accounts/${text}`, { token: ctx.adminToken }), 'params.id', `DELETE ${text}`);
      }
      const still = await get(`/v1/accounts/${id}`);
      assert.equal(still.status, 200);
      assert.equal(still.body.data.status, 'active');
    });

    it('takes plain decimal integers up to the bounds: the largest id finds nothing, a real one finds its rows', async () => {
      const name = `in${randomBytes(3).toString('hex')}`;
      const id = await ctx.createAccount(name, 'inputs-password', 'viewer');
      await ctx.login(name, 'inputs-password');
      const mine = await get(`/v1/records/login?account_id=${id}`);
      assert.equal(mine.status, 200);
      assert.equal(mine.body.data.total, 1);
      assert.equal(mine.body.data.items[0].username, name);
      const largest = await get(`/v1/records/login?account_id=${Number.MAX_SAFE_INTEGER}&page=100000&page_size=200`);
      assert.equal(largest.status, 200, largest.text);
      assert.equal(largest.body.data.total, 0);
      assert.equal(largest.body.data.page, 100000);
      const csv = await get(`/v1/records/login/export?account_id=${Number.MAX_SAFE_INTEGER}`);
      assert.equal(csv.status, 200);
      assert.equal(csv.text.split('\r\n').filter(Boolean).length, 1, 'only the header row');
      const nobody = await get(`/v1/accounts/${Number.MAX_SAFE_INTEGER}`);
      assert.equal(nobody.status, 404, nobody.text);
    });
  });

  describe('text the databases cannot store or compare as given', () => {
    const filters: [string, string[]][] = [
      ['/v1/accounts', ['username', 'role', 'status', 'sort']],
      ['/v1/records/login', ['username', 'result', 'since', 'until']],
      ['/v1/records/login/export', ['username', 'result', 'since', 'until']],
    ];
    for (const [route, names] of filters) {
      it(`refuses U+0000 in every text filter of ${route} with 422 naming it`, async () => {
        for (const name of names) {
          for (const value of ['%00', 'ad%00min', '%00%00']) {
            assertRefused(await get(`${route}?${name}=${value}`), `query.${name}`, `${route}?${name}=${value}`);
          }
        }
        assertRefused(await get(`${route}?%00=1`), 'query', `${route}?%00=1`);
      });
    }

    it('refuses U+0000 and lone surrogates in path parameters and anywhere in a JSON body, writing nothing', async () => {
      assertRefused(await get('/v1/accounts/%00'), 'params.id', 'account %00');
      const post = await ctx.call('POST', '/v1/guidance/rooms/a%00b/messages', { token: ctx.adminToken, body: { body: 'hi' } });
      assertRefused(post, 'params.room', 'room a%00b');
      const before = (await get('/v1/records/login?page_size=1')).body.data.total;
      const nul = await ctx.call('POST', '/v1/auth/login', { body: { username: 'adm\u0000in', password: 'whatever-pw' } });
      assertRefused(nul, 'body.username', 'login NUL');
      const surrogate = await ctx.call('POST', '/v1/auth/login', {
        raw: '{"username":"ad\\ud800min","password":"whatever-pw"}',
        headers: { 'content-type': 'application/json' },
      });
      assertRefused(surrogate, 'body.username', 'login lone surrogate');
      assert.equal((await get('/v1/records/login?page_size=1')).body.data.total, before, 'no login record written');

      const username = `in${randomBytes(3).toString('hex')}`;
      for (const [body, field] of [
        [{ username, password: 'pass\u0000word', role: 'viewer' }, 'body.password'],
        [{ username, password: 'password-ok', role: 'viewer', display_name: 'x\u0000' }, 'body.display_name'],
      ] as const) {
        assertRefused(await ctx.call('POST', '/v1/accounts', { token: ctx.adminToken, body }), field, field);
      }
      assert.equal((await get(`/v1/accounts?username=${username}`)).body.data.total, 0, 'no account created');

      const room = `in-${randomBytes(3).toString('hex')}`;
      const nested = await ctx.call('POST', `/v1/guidance/rooms/${room}/messages`, {
        token: ctx.adminToken,
        body: { body: { steps: ['ok', 'x\u0000'] } },
      });
      assertRefused(nested, 'body.body.steps.1', 'nested NUL');
      const key = await ctx.call('POST', `/v1/guidance/rooms/${room}/messages`, {
        token: ctx.adminToken,
        raw: '{"body":{"a\\u0000":1}}',
        headers: { 'content-type': 'application/json' },
      });
      assertRefused(key, 'body.body', 'NUL in a key');
      const infinite = await ctx.call('POST', `/v1/guidance/rooms/${room}/messages`, {
        token: ctx.adminToken,
        raw: '{"body":{"n":-1e400}}',
        headers: { 'content-type': 'application/json' },
      });
      assertRefused(infinite, 'body.body.n', '-1e400 in a free-form body');
      assert.match(key.body.msg, /field names must not contain U\+0000/);
    });

    it('refuses a login username no account can have: MariaDB would match it to another, or could not store it lower-cased', async () => {
      const before = (await get('/v1/records/login?page_size=1')).body.data.total;
      for (const username of ['admin ', ' admin', 'ádmin', 'ad min', '\u0130'.repeat(64)]) {
        const res = await ctx.call('POST', '/v1/auth/login', { body: { username, password: ctx.adminPassword } });
        assertRefused(res, 'body.username', `login ${JSON.stringify(username.slice(0, 8))}`);
      }
      assert.equal((await get('/v1/records/login?page_size=1')).body.data.total, before, 'no login record written');
      const upper = await ctx.call('POST', '/v1/auth/login', { body: { username: 'ADMIN', password: ctx.adminPassword } });
      assert.equal(upper.status, 200, 'a username is still matched in any case');
      assert.equal(upper.body.data.account.username, 'admin');
    });

    it('refuses a date-time the databases cannot hold (leap second, past year 9999, before year 1000)', async () => {
      for (const route of ['/v1/records/login', '/v1/records/login/export']) {
        for (const [query, field] of [
          ['since=2026-11-21T23:59:60Z', 'query.since'],
          ['until=9999-12-31T23:59:59-23:59', 'query.until'],
          ['since=0999-12-31T23:59:59Z', 'query.since'],
        ]) {
          assertRefused(await get(`${route}?${query}`), field, `${route}?${query}`);
        }
      }
      const edges = await get('/v1/records/login?since=1000-01-01T00:00:00Z&until=9999-12-31T23:59:59Z&page_size=1');
      assert.equal(edges.status, 200, edges.text);
      assert.equal(edges.body.data.total, (await get('/v1/records/login?page_size=1')).body.data.total);
    });
  });
});
