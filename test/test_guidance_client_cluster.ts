import assert from 'node:assert/strict';
import WsWebSocket from 'ws';
import { GuidanceClient, type GuidanceError, type SendReply } from '../guidance_ws/client/guidance_client.js';
import { ClientLog, nextEvent } from './helper/client_events.js';
import { describeGuidance, guideUrl, uniqueRoom } from './helper/guidance_suite.js';
import { range } from './helper/ws_client.js';

describeGuidance(
  'guidance client across two gateways (MariaDB + Redis)',
  (ctx) => {
    it('loses nothing and repeats nothing when its gateway is SIGKILLed while an operator sends', async () => {
      const victim = await ctx.startGateway();
      const survivor = ctx.gateways[0]!;
      const room = uniqueRoom('client-kill');
      // Each client starts on the victim and moves to the survivor on its first reconnect.
      const urls = [guideUrl(victim), guideUrl(survivor)];
      const make = (token: string) =>
        new GuidanceClient({
          url: urls,
          token,
          WebSocket: globalThis.WebSocket ?? WsWebSocket,
          backoff: { initialMs: 50, maxMs: 400 },
          ackDelayMs: 50,
        });
      const viewers = [0, 1, 2].map(() => new ClientLog(make(ctx.viewerToken)));
      const operator = make(ctx.operatorToken);
      try {
        for (const v of viewers) await v.client.join(room);
        let stored: SendReply[] = [];
        let lost = 0; // sends cut off before their reply: stored or not, never resent
        const settle = (p: Promise<SendReply>) =>
          p.then(
            (reply) => void stored.push(reply),
            (err: GuidanceError) => {
              assert.equal(err.code, 'disconnected', err.message);
              lost++;
            },
          );
        for (let i = 0; i < 25; i++) await settle(operator.send(room, `n${i}`));
        const seen = viewers.map((v) => nextEvent(v.client, 'close'));
        const inFlight = range(0, 4).map((i) => settle(operator.send(room, `in flight ${i}`)));
        await victim.stop('SIGKILL');
        for (const close of await Promise.all(seen)) assert.deepEqual([close.code, close.final], [1006, false]);
        await Promise.all(inFlight);
        for (let i = 25; i < 60; i++) await settle(operator.send(room, `n${i}`));
        stored = stored.sort((a, b) => a.seq - b.seq);
        assert.ok(stored.length >= 60 && lost <= 5, `stored ${stored.length}, cut off ${lost}`);

        const raw = await ctx.connect({ gateway: survivor });
        const items = (await raw.request('history', { room, limit: 200 })).data.items as { seq: number; body: string }[];
        raw.close();
        const last = items[items.length - 1]!.seq;
        assert.deepEqual(
          items.map((i) => i.seq),
          range(1, last),
        );
        for (const reply of stored)
          assert.ok(
            items.some((i) => i.seq === reply.seq),
            `seq ${reply.seq} answered but not stored`,
          );
        for (const v of viewers) {
          await v.reached(room, last);
          assert.deepEqual(v.seqs(room), range(1, last), '0 lost, 0 duplicated, in order');
          assert.deepEqual(
            v.messages.map((m) => m.body),
            items.map((i) => i.body),
          );
          assert.ok(v.opens >= 2, 'reconnected');
          assert.deepEqual(v.errors, []);
        }
      } finally {
        for (const c of [...viewers.map((v) => v.client), operator]) c.close();
      }
    });
  },
  { backends: ['mysql'], gateways: 1, env: { WS_RATE_PER_SECOND: '1000', WS_RATE_BURST: '1000' } },
);
