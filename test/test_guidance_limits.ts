import assert from 'node:assert/strict';
import { describeGuidance, uniqueRoom } from './helper/guidance_suite.js';
import { range, seqsOf } from './helper/ws_client.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeGuidance(
  'guidance_ws limits and session watch',
  (ctx) => {
    it('closes a socket that sends a frame over WS_MAX_FRAME_BYTES with 1009', async () => {
      const ws = await ctx.connect({ token: ctx.operatorToken });
      ws.sendRaw(JSON.stringify({ cmd: 'send', data: { room: uniqueRoom(), body: 'x'.repeat(5000) } }));
      const closed = await ws.waitClosed();
      assert.equal(closed.code, 1009);
    });

    it('answers a body over GUIDE_BODY_MAX_BYTES (in a frame under the limit) with an error frame', async () => {
      const ws = await ctx.connect({ token: ctx.operatorToken });
      const res = await ws.request('send', { room: uniqueRoom(), body: 'é'.repeat(600) });
      assert.equal(res.code, 12);
      assert.equal(res.msg, 'data.body: larger than 1024 bytes');
      assert.equal((await ws.request('ping')).code, 0);
      ws.close();
    });

    it('closes a client flooding past its rate with 1008, after serving its burst', async () => {
      const strict = await ctx.startGateway({ WS_RATE_PER_SECOND: '5', WS_RATE_BURST: '10' });
      const ws = await ctx.connect({ gateway: strict });
      for (let i = 0; i < 60; i++) ws.sendRaw(JSON.stringify({ cmd: 'ping', req: i }));
      const closed = await ws.waitClosed();
      assert.equal(closed.code, 1008);
      assert.match(closed.reason, /rate limit/);
      const pongs = ws.frames.filter((f) => f.cmd === 'pong').length;
      assert.ok(pongs >= 10 && pongs < 60, `${pongs} pongs`);
    });

    it('drops a client silent past the idle timeout with 4408 and keeps one that answers pings', async () => {
      const silent = await ctx.connect({ ws: { autoPong: false } });
      const lively = await ctx.connect();
      const closed = await silent.waitClosed();
      assert.equal(closed.code, 4408);
      assert.match(closed.reason, /heartbeat/);
      assert.equal((await lively.request('ping')).code, 0);
      lively.close();
    });

    it('closes the open sockets of a session within seconds of its logout, with 4401', async () => {
      const leaving = await ctx.newAccount('operator');
      const first = await ctx.connect({ token: leaving.token });
      const second = await ctx.connect({ token: leaving.token, header: true });
      const bystander = await ctx.connect();
      const out = await ctx.call('POST', '/v1/auth/logout', { token: leaving.token });
      assert.equal(out.status, 200);
      for (const ws of [first, second]) {
        const closed = await ws.waitClosed();
        assert.equal(closed.code, 4401);
        assert.match(closed.reason, /revoked or expired/);
      }
      const again = await ctx.connect({ token: leaving.token });
      assert.equal((await again.waitClosed()).code, 4401);
      assert.equal((await bystander.request('ping')).code, 0);
      bystander.close();
    });

    it('closes the sockets of an account disabled in manage_system', async () => {
      const account = await ctx.newAccount('viewer');
      const ws = await ctx.connect({ token: account.token });
      const patch = await ctx.call('PATCH', `/v1/accounts/${account.id}`, {
        token: ctx.adminToken,
        body: { status: 'disabled' },
      });
      assert.equal(patch.status, 200);
      assert.equal((await ws.waitClosed()).code, 4401);
    });

    it('applies a role change made in manage_system to an open socket', async () => {
      const account = await ctx.newAccount('viewer');
      const ws = await ctx.connect({ token: account.token });
      const room = uniqueRoom();
      assert.equal((await ws.request('send', { room, body: 'not yet' })).code, 15);
      const patch = await ctx.call('PATCH', `/v1/accounts/${account.id}`, { token: ctx.adminToken, body: { role: 'operator' } });
      assert.equal(patch.status, 200);
      let code = 15;
      for (let i = 0; i < 50 && code === 15; i++) {
        await sleep(200);
        code = (await ws.request('send', { room, body: 'now' })).code;
      }
      assert.equal(code, 0);
      ws.close();
    });

    it('bounds a slow consumer: stops feeding it, closes it with 1013, and it resumes with since', async () => {
      const gw = await ctx.startGateway({
        WS_MAX_FRAME_BYTES: '65536',
        GUIDE_BODY_MAX_BYTES: '60000',
        WS_MAX_BUFFERED_BYTES: '65536',
        WS_SLOW_CLOSE_MS: '1500',
        WS_IDLE_TIMEOUT_MS: '60000', // a paused socket cannot answer pings either
      });
      const room = uniqueRoom('slow');
      const slow = await ctx.connect({ gateway: gw });
      const steady = await ctx.connect({ gateway: gw });
      await slow.request('join', { room, since: 0 });
      await steady.request('join', { room, since: 0 });
      const socket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      socket.pause();
      const operator = await ctx.connect({ gateway: gw, token: ctx.operatorToken });
      const body = 'y'.repeat(50_000);
      const sends = await Promise.all(Array.from({ length: 400 }, () => operator.request('send', { room, body })));
      assert.ok(sends.every((s) => s.code === 0));
      const last = Math.max(...sends.map((s) => s.data.seq));
      assert.deepEqual(seqsOf(await steady.waitForSeq(room, last, 60_000)), range(1, last));
      await sleep(4000); // well past WS_SLOW_CLOSE_MS
      socket.resume();
      const closed = await slow.waitClosed(30_000);
      assert.equal(closed.code, 1013);
      const got = seqsOf(slow.guides(room));
      assert.ok(got.length < last, `the slow client was cut off early (${got.length} of ${last})`);
      assert.deepEqual(got, range(1, got.length));
      const back = await ctx.connect({ gateway: gw });
      await back.request('join', { room, since: got.length });
      assert.deepEqual(seqsOf(await back.waitForSeq(room, last, 60_000)), range(got.length + 1, last));
      for (const ws of [steady, operator, back]) ws.close();
    });
  },
  {
    env: {
      WS_MAX_FRAME_BYTES: '4096',
      GUIDE_BODY_MAX_BYTES: '1024',
      WS_RATE_PER_SECOND: '1000',
      WS_RATE_BURST: '1000',
      WS_PING_INTERVAL_MS: '200',
      WS_IDLE_TIMEOUT_MS: '1000',
      SESSION_CHECK_MS: '300',
    },
  },
);
