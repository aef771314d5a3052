import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describeManage } from './helper/manage_suite.js';

const unique = (prefix: string) => `${prefix}${randomBytes(3).toString('hex')}`;

/** Parses RFC 4180 CSV (quoted cells, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

describeManage('manage_system login records', (ctx) => {
  it('filters by account, result and time range, newest first', async () => {
    const name = unique('rf');
    const id = await ctx.createAccount(name, 'right-password', 'viewer');
    const start = new Date(Date.now() - 1000).toISOString();
    await ctx.call('POST', '/v1/auth/login', { body: { username: name, password: 'bad-password' } });
    await ctx.login(name, 'right-password');
    const all = await ctx.call('GET', `/v1/records/login?account_id=${id}&since=${start}`, { token: ctx.adminToken });
    assert.equal(all.status, 200);
    assert.equal(all.body.data.total, 2);
    assert.ok(all.body.data.items[0].id > all.body.data.items[1].id);
    const ok = await ctx.call('GET', `/v1/records/login?account_id=${id}&result=success`, { token: ctx.adminToken });
    assert.equal(ok.body.data.total, 1);
    assert.equal(ok.body.data.items[0].result, 'success');
    const future = new Date(Date.now() + 3600_000).toISOString();
    const none = await ctx.call('GET', `/v1/records/login?account_id=${id}&since=${encodeURIComponent(future)}`, {
      token: ctx.adminToken,
    });
    assert.equal(none.body.data.total, 0);
    const before = await ctx.call('GET', `/v1/records/login?account_id=${id}&until=${encodeURIComponent(start)}`, {
      token: ctx.adminToken,
    });
    assert.equal(before.body.data.total, 0);
  });

  it('rejects a malformed filter with 422 naming it', async () => {
    for (const [query, field] of [
      ['since=yesterday', 'query.since'],
      ['result=maybe', 'query.result'],
      ['account_id=-1', 'query.account_id'],
      ['colour=red', 'query.colour'],
    ]) {
      const res = await ctx.call('GET', `/v1/records/login?${query}`, { token: ctx.adminToken });
      assert.equal(res.status, 422, query);
      assert.equal(res.body.data.field, field);
    }
  });

  it('exports the filtered records as a streamed UTF-8 CSV with a header row', async () => {
    const name = unique('csv');
    const id = await ctx.createAccount(name, 'right-password', 'viewer');
    const agents = ['plain agent', 'quote " and, comma', '=cmd|calc', 'line\tbreak'];
    for (const ua of agents) {
      await ctx.call('POST', '/v1/auth/login', {
        body: { username: name, password: 'wrong-pass' },
        headers: { 'user-agent': ua },
      });
    }
    const res = await ctx.call('GET', `/v1/records/login/export?account_id=${id}`, { token: ctx.adminToken });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="login_records\.csv"/);
    assert.ok(res.text.startsWith('\ufeff'));
    const rows = parseCsv(res.text.slice(1));
    assert.deepEqual(rows[0], ['id', 'account_id', 'username', 'ip', 'user_agent', 'result', 'created_at']);
    assert.equal(rows.length, 1 + agents.length);
    const exported = rows.slice(1).map((r) => r[4]);
    // newest first; a cell that a spreadsheet would run as a formula is neutralised with a leading quote
    const expected = agents.map((ua) => (ua.startsWith('=') ? `'${ua}` : ua)).reverse();
    assert.deepEqual(exported, expected);
    assert.ok(rows.slice(1).every((r) => r[1] === String(id) && r[2] === name && r[5] === 'bad_password'));
  });

  it('streams an export larger than one batch without losing a row', async function () {
    this.timeout(60_000);
    const name = unique('big');
    const count = 1203;
    const headers = { 'user-agent': 'bulk' };
    for (let i = 0; i < count; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, count - i) }, () =>
          ctx.call('POST', '/v1/auth/login', { body: { username: name, password: 'x' }, headers }),
        ),
      );
    }
    const res = await ctx.call('GET', `/v1/records/login/export?username=${name}`, { token: ctx.adminToken });
    const rows = parseCsv(res.text.slice(1)).slice(1);
    const list = await ctx.call('GET', `/v1/records/login?username=${name}&page_size=1`, { token: ctx.adminToken });
    assert.equal(rows.length, list.body.data.total);
    assert.equal(new Set(rows.map((r) => r[0])).size, rows.length);
    assert.ok(rows.length > 1000);
  });

  it('refuses the export without a token', async () => {
    const res = await ctx.call('GET', '/v1/records/login/export');
    assert.equal(res.status, 401);
    assert.equal(res.body.code, 13);
  });
});
