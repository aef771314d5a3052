import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { needServices, tempDir } from './helper/backends.js';
import { describeGuidance, uniqueRoom } from './helper/guidance_suite.js';
import { client } from './helper/http_client.js';
import { type ServiceProcess, startService } from './helper/service_process.js';

const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const EMOJI_NAME = 'Zoë 🚀 测试';

// Identifiers compare byte for byte on both back ends: case, accents and trailing spaces count.
describeGuidance('identifiers mean the same on SQLite and MySQL', (ctx) => {
  it('room names differing only in case are three rooms, each starting at seq 1', async () => {
    const base = uniqueRoom('case');
    const spellings = [`${base}Room`, `${base}room`, `${base}ROOM`];
    const seqs: number[] = [];
    for (const room of spellings) {
      const res = await ctx.call('POST', `/v1/guidance/rooms/${room}/messages`, {
        token: ctx.operatorToken,
        body: { body: `to ${room}` },
      });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.data.room, room);
      seqs.push(res.body.data.seq);
    }
    assert.deepEqual(seqs, [1, 1, 1]);
    // Accented and trailing-space spellings are refused by the room pattern, on both back ends alike.
    for (const room of [`${base}Ro%C3%B3m`, `${base}Room%20`]) {
      const res = await ctx.call('POST', `/v1/guidance/rooms/${room}/messages`, {
        token: ctx.operatorToken,
        body: { body: 'x' },
      });
      assert.equal(res.status, 422, `${room}: ${res.text}`);
      assert.match(res.body.msg, /room/);
    }
  });

  it('usernames: only lower-case ASCII is created; login folds case but not accents or trailing spaces', async () => {
    const name = `bob${randomBytes(3).toString('hex')}`;
    const password = `pw-${randomBytes(6).toString('hex')}`;
    const create = (username: string) =>
      ctx.call('POST', '/v1/accounts', { token: ctx.adminToken, body: { username, password, role: 'viewer' } });
    for (const variant of [name.replace('b', 'B'), `${name} `, name.replace('o', 'ó')]) {
      const res = await create(variant);
      assert.equal(res.status, 422, `${JSON.stringify(variant)}: ${res.text}`);
      assert.match(res.body.msg, /username/);
    }
    assert.equal((await create(name)).status, 201);
    assert.equal((await create(name)).status, 409);
    const login = (username: string) => ctx.call('POST', '/v1/auth/login', { body: { username, password } });
    assert.equal((await login(name.toUpperCase())).status, 200, 'login lower-cases the username');
    for (const variant of [`${name} `, name.replace('o', 'ó'), name.replace('o', 'ö')]) {
      // Not an account's form (trailing space, accents): refused before any lookup, naming the field.
      const res = await login(variant);
      assert.equal(res.status, 422, `${JSON.stringify(variant)} is not ${name}: ${res.text}`);
      assert.match(res.body.msg, /username/);
    }
  });

  it('a display name with emoji round-trips', async () => {
    const res = await ctx.call('POST', '/v1/accounts', {
      token: ctx.adminToken,
      body: {
        username: `emo${randomBytes(3).toString('hex')}`,
        password: 'pw-0123456789',
        role: 'viewer',
        display_name: EMOJI_NAME,
      },
    });
    assert.equal(res.status, 201, res.text);
    const got = await ctx.call('GET', `/v1/accounts/${res.body.data.id}`, { token: ctx.adminToken });
    assert.equal(got.body.data.display_name, EMOJI_NAME);
  });
});

describe('a database created CHARACTER SET latin1 [mysql]', function () {
  this.timeout(120_000);
  const dbName = `gh_test_${randomBytes(4).toString('hex')}`;
  let svc: ServiceProcess | undefined;

  before(async function () {
    await needServices(this);
    const admin = await mysql.createConnection(MYSQL_URL);
    await admin.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET latin1 COLLATE latin1_swedish_ci`);
    await admin.end();
  });

  after(async () => {
    await svc?.stop();
    const admin = await mysql.createConnection(MYSQL_URL);
    await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
    await admin.end();
  });

  it('gets utf8mb4 tables, binary identifiers, and an emoji display name round-trips', async () => {
    const password = `pw-${randomBytes(6).toString('hex')}`;
    const env = { DB_URL: `${MYSQL_URL.replace(/\/$/, '')}/${dbName}`, REDIS_URL: '', LOG_DIR: tempDir('logs') };
    svc = await startService('http_manage_system.ts', { ...env, ADMIN_PASSWORD: password });
    const call = client(svc.url);
    const login = await call('POST', '/v1/auth/login', { body: { username: 'admin', password } });
    assert.equal(login.status, 200, login.text);
    const token = login.body.data.token as string;
    const res = await call('POST', '/v1/accounts', {
      token,
      body: { username: 'emoji01', password: 'pw-0123456789', role: 'viewer', display_name: EMOJI_NAME },
    });
    assert.equal(res.status, 201, res.text);
    const got = await call('GET', `/v1/accounts/${res.body.data.id}`, { token });
    assert.equal(got.body.data.display_name, EMOJI_NAME);

    const admin = await mysql.createConnection(MYSQL_URL);
    const [tables] = await admin.query(
      'SELECT TABLE_NAME AS t, TABLE_COLLATION AS c FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
      [dbName],
    );
    const [columns] = await admin.query(
      `SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME) AS col, CHARACTER_SET_NAME AS cs, COLLATION_NAME AS c
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND CHARACTER_SET_NAME IS NOT NULL`,
      [dbName],
    );
    await admin.end();
    const rows = tables as { t: string; c: string }[];
    assert.ok(rows.length >= 4, JSON.stringify(rows));
    for (const { t, c } of rows) assert.match(c, /^utf8mb4_/, `${t} is ${c}`);
    for (const { col, cs } of columns as { col: string; cs: string }[]) assert.equal(cs, 'utf8mb4', col);
    const collation = Object.fromEntries((columns as { col: string; c: string }[]).map((r) => [r.col, r.c]));
    assert.match(collation['sys_account.username']!, /^utf8mb4_(nopad_bin|0900_bin)$/);
    assert.match(collation['sys_session.token_hash']!, /^utf8mb4_(nopad_bin|0900_bin)$/);
  });
});
