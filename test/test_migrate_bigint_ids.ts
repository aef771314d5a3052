import assert from 'node:assert/strict';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createSequelize } from '../common/libs/db_registry.js';
import { describeGuidance, uniqueRoom } from './helper/guidance_suite.js';

/** Past 2^32: where a 32-bit id column answers "Out of range value for column 'id'". */
const PAST_32_BITS = 5_000_000_000;
/** The tables that grow with traffic and so have 64-bit ids. */
const GROWING = ['sys_records_login', 'sys_session', 'gui_records_message', 'gui_ack'];

/** Sets the next id of `table` to `next` (MySQL AUTO_INCREMENT; SQLite's sqlite_sequence counter). */
async function setNextId(db: Sequelize, table: string, next: number): Promise<void> {
  if (db.getDialect() !== 'sqlite') {
    await db.query(`ALTER TABLE \`${table}\` AUTO_INCREMENT = ${next}`);
    return;
  }
  await db.query('DELETE FROM sqlite_sequence WHERE name = ?', { replacements: [table] });
  await db.query('INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)', { replacements: [table, next - 1] });
}

const maxId = async (db: Sequelize, table: string) =>
  ((await db.query(`SELECT MAX(id) AS id FROM ${table}`, { type: QueryTypes.SELECT, plain: true })) as { id: unknown }).id;

describeGuidance('ids past 2^32 on the tables that grow with traffic', (ctx) => {
  let db: Sequelize;
  before(async () => {
    db = createSequelize(ctx.backend.env.DB_URL!);
    for (const table of GROWING) await setNextId(db, table, PAST_32_BITS);
  });
  after(() => db?.close());

  it('login, a guidance message and an ack still work, and the ids come back exact', async () => {
    const user = await ctx.newAccount('operator');
    // newAccount signed in: one login record and one session past 2^32.
    const records = await ctx.call('GET', `/v1/records/login?username=${user.username}&page_size=5`, { token: ctx.adminToken });
    assert.equal(records.status, 200, records.text);
    assert.equal(records.body.data.items[0].id, PAST_32_BITS);
    assert.equal(typeof records.body.data.items[0].id, 'number');
    assert.equal(Number(await maxId(db, 'sys_session')), PAST_32_BITS);

    const room = uniqueRoom('big');
    const post = await ctx.call('POST', `/v1/guidance/rooms/${room}/messages`, {
      token: user.token,
      body: { body: 'past 2^32' },
    });
    assert.equal(post.status, 201, post.text);
    assert.equal(post.body.data.seq, 1);
    assert.equal(Number(await maxId(db, 'gui_records_message')), PAST_32_BITS);

    const ws = await ctx.connect({ token: user.token });
    try {
      assert.equal((await ws.request('join', { room, since: 0 })).code, 0);
      await ws.waitForSeq(room, 1);
      const acked = await ws.request('ack', { room, seq: 1 });
      assert.equal(acked.code, 0, acked.msg);
      assert.deepEqual(acked.data, { room, seq: 1 });
    } finally {
      ws.close();
    }
    assert.equal(Number(await maxId(db, 'gui_ack')), PAST_32_BITS);
  });
});
