import assert from 'node:assert/strict';
import { describeGuidance, uniqueRoom } from './helper/guidance_suite.js';
import type { Guide, GuideClient } from './helper/ws_client.js';

const ROUNDS = Number(process.env.KILL_ROUNDS ?? 20);

/** Lost and duplicated seqs in what one client saw of a room that reached `last`. */
function audit(guides: Guide[], last: number): { lost: number; duplicated: number } {
  const seen = guides.map((g) => g.seq);
  return { lost: last - new Set(seen).size, duplicated: seen.length - new Set(seen).size };
}

describeGuidance(
  'gateway SIGKILLed mid-stream, again and again',
  (ctx) => {
    it(`loses and duplicates nothing over ${ROUNDS} kills`, async function () {
      this.timeout(60_000 + ROUNDS * 15_000);
      const survivor = ctx.gateways[0]!;
      const totals = { lost: 0, duplicated: 0, clients: 0, messages: 0 };
      for (let round = 0; round < ROUNDS; round++) {
        const victim = await ctx.startGateway();
        const room = uniqueRoom(`kill${round}`);
        const watchers = [
          await ctx.connect({ gateway: survivor }),
          await ctx.connect({ gateway: victim }),
          await ctx.connect({ gateway: victim }),
        ];
        for (const w of watchers) assert.equal((await w.request('join', { room, since: 0 })).code, 0);
        let operator: GuideClient = await ctx.connect({ gateway: victim, token: ctx.operatorToken });
        for (let n = 0; n < 12; n++) {
          if (n === 6) {
            operator.sendRaw(JSON.stringify({ cmd: 'send', data: { room, body: 'in flight' } }));
            await victim.stop('SIGKILL');
            operator = await ctx.connect({ gateway: survivor, token: ctx.operatorToken });
          }
          assert.equal((await operator.request('send', { room, body: `r${round} n${n}` })).code, 0);
        }
        const last = (await operator.request('history', { room, limit: 1 })).data.items[0].seq as number;
        totals.messages += last;
        for (const w of watchers) {
          let seen: Guide[];
          if (w === watchers[0]) {
            seen = await w.waitForSeq(room, last);
          } else {
            // its gateway died under it: reconnect to the survivor and resume after the last seq seen
            await w.waitClosed();
            const before = w.guides(room);
            const back = await ctx.connect({ gateway: survivor });
            await back.request('join', { room, since: before.length ? Math.max(...before.map((g) => g.seq)) : 0 });
            seen = [...before, ...(await back.waitForSeq(room, last))];
            back.close();
          }
          const { lost, duplicated } = audit(seen, last);
          totals.lost += lost;
          totals.duplicated += duplicated;
          totals.clients++;
        }
        for (const c of [...watchers, operator]) c.close();
        ctx.gateways.splice(ctx.gateways.indexOf(victim), 1);
      }
      console.log(
        `      ${ROUNDS} kills, ${totals.messages} messages, ${totals.clients} client histories: ${totals.lost} lost, ${totals.duplicated} duplicated`,
      );
      assert.deepEqual(totals.lost, 0);
      assert.deepEqual(totals.duplicated, 0);
    });
  },
  { backends: ['mysql'], gateways: 1 },
);
