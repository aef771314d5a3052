import assert from 'node:assert/strict';
import { describeGuidance, uniqueRoom } from './helper/guidance_suite.js';
import { range, seqsOf } from './helper/ws_client.js';

describeGuidance('guidance_ws durability', (ctx) => {
  it('resumes after a disconnect with since: every missed message once, in order', async () => {
    const room = uniqueRoom();
    const operator = await ctx.connect({ token: ctx.operatorToken });
    const viewer = await ctx.connect();
    await viewer.request('join', { room, since: 0 });
    for (let i = 0; i < 5; i++) await operator.request('send', { room, body: `before ${i}` });
    const seen = seqsOf(await viewer.waitForSeq(room, 5));
    viewer.close();
    await viewer.waitClosed();
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push((await operator.request('send', { room, body: `while away ${i}` })).data.seq);
    const back = await ctx.connect();
    await back.request('join', { room, since: seen[seen.length - 1] });
    const more = await operator.request('send', { room, body: 'after' });
    const resumed = await back.waitForSeq(room, more.data.seq);
    assert.deepEqual([...seen, ...seqsOf(resumed)], range(1, more.data.seq));
    assert.deepEqual(
      resumed.map((g) => g.body),
      [...sent.map((_, i) => `while away ${i}`), 'after'],
    );
    operator.close();
    back.close();
  });

  it('numbers concurrent senders (three sockets and HTTP) without gaps or duplicates', async () => {
    const room = uniqueRoom('busy');
    const listener = await ctx.connect();
    await listener.request('join', { room, since: 0 });
    const operators = await Promise.all([0, 1, 2].map(() => ctx.connect({ token: ctx.operatorToken })));
    const wsSends = operators.flatMap((op, o) =>
      Array.from({ length: 20 }, (_, i) => op.request('send', { room, body: `ws ${o}.${i}` }).then((r) => r.data.seq as number)),
    );
    const httpSends = Array.from({ length: 10 }, (_, i) =>
      ctx
        .call('POST', `/v1/guidance/rooms/${room}/messages`, { token: ctx.operatorToken, body: { body: `http ${i}` } })
        .then((r) => r.body.data.seq as number),
    );
    const seqs = await Promise.all([...wsSends, ...httpSends]);
    const total = seqs.length;
    assert.deepEqual(
      [...seqs].sort((a, b) => a - b),
      range(1, total),
    );
    const received = await listener.waitForSeq(room, total);
    assert.deepEqual(seqsOf(received), range(1, total));
    // Each sender's own messages keep their order within the room.
    for (const o of [0, 1, 2]) {
      const mine = received.filter((g) => String(g.body).startsWith(`ws ${o}.`)).map((g) => g.body);
      assert.deepEqual(
        mine,
        range(0, 19).map((i) => `ws ${o}.${i}`),
      );
    }
    const history = await listener.request('history', { room, limit: 200 });
    assert.deepEqual(
      history.data.items.map((i: { seq: number }) => i.seq),
      range(1, total),
    );
    for (const ws of [listener, ...operators]) ws.close();
  });

  it('stops gracefully on SIGTERM: sockets close with 1001 and resume on another instance', async () => {
    const leaving = await ctx.startGateway();
    const room = uniqueRoom();
    const operator = await ctx.connect({ token: ctx.operatorToken });
    const viewer = await ctx.connect({ gateway: leaving });
    await viewer.request('join', { room, since: 0 });
    await operator.request('send', { room, body: 'one' });
    const seen = seqsOf(await viewer.waitForSeq(room, 1));
    const exit = leaving.stop('SIGTERM');
    const closed = await viewer.waitClosed();
    assert.equal(closed.code, 1001);
    assert.equal(await exit, 0);
    await operator.request('send', { room, body: 'two' });
    const back = await ctx.connect();
    await back.request('join', { room, since: seen[seen.length - 1] });
    const last = await operator.request('send', { room, body: 'three' });
    assert.deepEqual([...seen, ...seqsOf(await back.waitForSeq(room, last.data.seq))], range(1, last.data.seq));
    operator.close();
    back.close();
  });

  it('answers every send it stored before it closes with 1001 on SIGTERM (a sender in a closed loop)', async () => {
    const leaving = await ctx.startGateway({ WS_RATE_PER_SECOND: '100000', WS_RATE_BURST: '100000' });
    const room = uniqueRoom('stopping');
    const operator = await ctx.connect({ gateway: leaving, token: ctx.operatorToken });
    const answered: string[] = [];
    // each send as soon as the last is answered, until the socket closes (the request then rejects)
    const sending = (async () => {
      for (let i = 0; ; i++) {
        const reply = await operator.request('send', { room, body: `s${i}` }).catch(() => undefined);
        if (!reply) return;
        assert.equal(reply.code, 0, reply.msg);
        answered.push(`s${i}`);
      }
    })();
    while (answered.length < 20) await new Promise((r) => setTimeout(r, 10));
    const exit = leaving.stop('SIGTERM');
    assert.equal((await operator.waitClosed()).code, 1001);
    await sending;
    assert.equal(await exit, 0);
    const reader = await ctx.connect();
    const stored: string[] = [];
    for (let before: number | undefined; ; ) {
      const page = (await reader.request('history', before ? { room, before, limit: 200 } : { room, limit: 200 })).data.items as {
        seq: number;
        body: string;
      }[];
      stored.unshift(...page.map((m) => m.body));
      if (page.length < 200) break;
      before = page[0]!.seq;
    }
    reader.close();
    assert.deepEqual(stored, answered, 'every stored send was answered, and nothing taken after the answers was stored');
  });
});
