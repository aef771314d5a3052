import assert from 'node:assert/strict';
import { describeGuidance, uniqueRoom } from './helper/guidance_suite.js';
import { type GuideClient, range, seqsOf } from './helper/ws_client.js';

describeGuidance(
  'guidance_ws across instances (MariaDB + Redis)',
  (ctx) => {
    it('delivers a message sent on one instance to clients of the other, both ways', async () => {
      const room = uniqueRoom();
      const onA = await ctx.connect({ gateway: 0 });
      const onB = await ctx.connect({ gateway: 1 });
      await onA.request('join', { room, since: 0 });
      await onB.request('join', { room, since: 0 });
      const opA = await ctx.connect({ gateway: 0, token: ctx.operatorToken });
      const opB = await ctx.connect({ gateway: 1, token: ctx.operatorToken });
      await opA.request('send', { room, body: 'from A' });
      await opB.request('send', { room, body: 'from B' });
      for (const ws of [onA, onB]) {
        const got = await ws.waitForSeq(room, 2);
        assert.deepEqual(
          got.map((g) => [g.seq, g.body]),
          [
            [1, 'from A'],
            [2, 'from B'],
          ],
        );
      }
      for (const ws of [onA, onB, opA, opB]) ws.close();
    });

    it('numbers concurrent senders on both instances without gaps; every client sees 1..N in order', async () => {
      const room = uniqueRoom('race');
      const listeners = await Promise.all([0, 1, 0, 1].map((gateway) => ctx.connect({ gateway })));
      for (const ws of listeners) await ws.request('join', { room, since: 0 });
      const senders = await Promise.all([0, 1, 0, 1].map((gateway) => ctx.connect({ gateway, token: ctx.operatorToken })));
      const seqs = await Promise.all(
        senders.flatMap((op, o) =>
          Array.from({ length: 25 }, (_, i) => op.request('send', { room, body: `${o}.${i}` }).then((r) => r.data.seq as number)),
        ),
      );
      assert.deepEqual(
        [...seqs].sort((a, b) => a - b),
        range(1, seqs.length),
      );
      for (const ws of listeners) assert.deepEqual(seqsOf(await ws.waitForSeq(room, seqs.length)), range(1, seqs.length));
      for (const ws of [...listeners, ...senders]) ws.close();
    });

    it('catches up from the database when Redis drops a publish', async () => {
      const room = uniqueRoom('blip');
      const onB = await ctx.connect({ gateway: 1 });
      await onB.request('join', { room, since: 0 });
      const opA = await ctx.connect({ gateway: 0, token: ctx.operatorToken });
      await opA.request('send', { room, body: 'before' });
      await onB.waitForSeq(room, 1);
      const redis = ctx.backend.redis!;
      await redis.kill();
      try {
        const during = await opA.request('send', { room, body: 'while Redis is down' });
        assert.equal(during.code, 0, 'stored even though it cannot be published');
        const got = await onB.waitForSeq(room, during.data.seq);
        assert.deepEqual(seqsOf(got), [1, 2]);
      } finally {
        await redis.start();
      }
      const after = await opA.request('send', { room, body: 'after' });
      assert.deepEqual(seqsOf(await onB.waitForSeq(room, after.data.seq)), [1, 2, 3]);
      onB.close();
      opA.close();
    });

    it('survives an instance killed (SIGKILL) while an operator keeps sending: nothing lost, nothing twice', async () => {
      const victim = await ctx.startGateway();
      const survivor = ctx.gateways[1]!;
      const room = uniqueRoom('kill');
      const onSurvivor = await Promise.all([0, 1].map(() => ctx.connect({ gateway: survivor })));
      const onVictim = await Promise.all([0, 1].map(() => ctx.connect({ gateway: victim })));
      for (const ws of [...onSurvivor, ...onVictim]) await ws.request('join', { room, since: 0 });

      let operator: GuideClient = await ctx.connect({ gateway: victim, token: ctx.operatorToken });
      let sent = 0;
      let killed = false;
      while (sent < 60) {
        if (sent === 25 && !killed) {
          killed = true;
          // Sends still in flight when the process dies are stored or not; either way no gap.
          for (let i = 0; i < 5; i++) operator.sendRaw(JSON.stringify({ cmd: 'send', data: { room, body: `in flight ${i}` } }));
          await victim.stop('SIGKILL');
          operator = await ctx.connect({ gateway: survivor, token: ctx.operatorToken });
        }
        const res = await operator.request('send', { room, body: `n${sent}` });
        assert.equal(res.code, 0);
        sent++;
      }
      const last = (await operator.request('history', { room, limit: 1 })).data.items[0].seq as number;
      assert.ok(last >= 60);

      for (const ws of onSurvivor) assert.deepEqual(seqsOf(await ws.waitForSeq(room, last)), range(1, last));
      for (const ws of onVictim) {
        const closed = await ws.waitClosed();
        assert.equal(closed.code, 1006, 'the connection just broke');
        const seen = seqsOf(ws.guides(room));
        assert.deepEqual(seen, range(1, seen.length));
        const back = await ctx.connect({ gateway: survivor });
        await back.request('join', { room, since: seen.length });
        assert.deepEqual([...seen, ...seqsOf(await back.waitForSeq(room, last))], range(1, last));
        back.close();
      }
      for (const ws of [...onSurvivor, operator]) ws.close();
    });

    it('keeps delivering while one instance restarts gracefully (SIGTERM, 1001, resume elsewhere)', async () => {
      const leaving = await ctx.startGateway();
      const room = uniqueRoom('drain');
      const viewer = await ctx.connect({ gateway: leaving });
      await viewer.request('join', { room, since: 0 });
      const operator = await ctx.connect({ gateway: 0, token: ctx.operatorToken });
      await operator.request('send', { room, body: 'one' });
      const seen = seqsOf(await viewer.waitForSeq(room, 1));
      const exit = leaving.stop('SIGTERM');
      assert.equal((await viewer.waitClosed()).code, 1001);
      assert.equal(await exit, 0);
      await operator.request('send', { room, body: 'two' });
      const back = await ctx.connect({ gateway: 1 });
      await back.request('join', { room, since: seen[seen.length - 1] });
      const last = await operator.request('send', { room, body: 'three' });
      assert.deepEqual([...seen, ...seqsOf(await back.waitForSeq(room, last.data.seq))], range(1, last.data.seq));
      operator.close();
      back.close();
    });
  },
  { backends: ['mysql'], gateways: 2 },
);
