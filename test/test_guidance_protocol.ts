import assert from 'node:assert/strict';
import { describeGuidance, guideUrl, uniqueRoom } from './helper/guidance_suite.js';
import { client } from './helper/http_client.js';
import { GuideClient, range, type ServerFrame, seqsOf } from './helper/ws_client.js';

describeGuidance('guidance_ws protocol', (ctx) => {
  describe('authentication', () => {
    it('closes a socket without a token with 4401 right after the handshake', async () => {
      const ws = await GuideClient.connect(guideUrl(ctx.gateways[0]!));
      const closed = await ws.waitClosed();
      assert.equal(closed.code, 4401);
      assert.match(closed.reason, /token is required/);
    });

    it('closes a socket with an unknown or malformed token with 4401', async () => {
      for (const token of ['x'.repeat(43), 'short', 'bad token with spaces']) {
        const ws = await ctx.connect({ token });
        const closed = await ws.waitClosed();
        assert.equal(closed.code, 4401, token);
        assert.match(closed.reason, /invalid, expired or revoked|required/);
      }
    });

    it('accepts the token as ?token= and as Authorization: Bearer', async () => {
      for (const header of [false, true]) {
        const ws = await ctx.connect({ header });
        const pong = await ws.request('ping');
        assert.equal(pong.cmd, 'pong');
        assert.equal(pong.code, 0);
        ws.close();
      }
    });

    it('answers a plain HTTP request with the envelope: 401 without a session, 400 with one', async () => {
      const call = client(ctx.gateways[0]!.url);
      const anonymous = await call('GET', '/v1/guide');
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.body.code, 13);
      assert.match(anonymous.body.msg, /^authorization: /);
      const signedIn = await call('GET', '/v1/guide', { token: ctx.viewerToken });
      assert.equal(signedIn.status, 400);
      assert.equal(signedIn.body.code, 11);
      assert.match(signedIn.body.msg, /^upgrade: /);
    });
  });

  describe('commands', () => {
    it('answers ping with pong carrying the server time and the same req', async () => {
      const ws = await ctx.connect();
      ws.sendRaw(JSON.stringify({ cmd: 'ping', req: 'abc' }));
      const pong = await ws.waitFor((f) => f.req === 'abc');
      assert.deepEqual(Object.keys(pong).sort(), ['cmd', 'code', 'data', 'msg', 'req']);
      assert.equal(pong.cmd, 'pong');
      assert.equal(pong.msg, 'ok');
      assert.ok(Math.abs(Date.parse(pong.data.at) - Date.now()) < 60_000);
      ws.close();
    });

    it('stores a send before answering its seq, and pushes it to every member of the room', async () => {
      const room = uniqueRoom();
      const viewer = await ctx.connect();
      const joined = await viewer.request('join', { room, since: 0 });
      assert.equal(joined.code, 0);
      assert.deepEqual(joined.data, { room, since: 0, last_seq: 0 });
      const operator = await ctx.connect({ token: ctx.operatorToken });
      const first = await operator.request('send', { room, body: 'turn left' });
      const second = await operator.request('send', { room, body: { step: 2, text: 'then right' } });
      assert.equal(first.code, 0);
      assert.equal(second.data.seq, first.data.seq + 1);
      const history = await operator.request('history', { room });
      assert.deepEqual(
        history.data.items.map((i: { seq: number }) => i.seq),
        [first.data.seq, second.data.seq],
      );
      const guides = await viewer.waitForSeq(room, second.data.seq);
      assert.deepEqual(guides, [
        { room, seq: first.data.seq, body: 'turn left', sender: ctx.operatorName, at: first.data.at },
        { room, seq: second.data.seq, body: { step: 2, text: 'then right' }, sender: ctx.operatorName, at: second.data.at },
      ]);
      viewer.close();
      operator.close();
    });

    it('refuses send from a viewer with code 15 and stores nothing', async () => {
      const room = uniqueRoom();
      const viewer = await ctx.connect();
      const res = await viewer.request('send', { room, body: 'hello' });
      assert.equal(res.cmd, 'send');
      assert.equal(res.code, 15);
      assert.match(res.msg, /role operator or higher/);
      const history = await viewer.request('history', { room });
      assert.deepEqual(history.data.items, []);
      viewer.close();
    });

    it('lets an admin send too', async () => {
      const ws = await ctx.connect({ token: ctx.adminToken });
      const res = await ws.request('send', { room: uniqueRoom(), body: 'from admin' });
      assert.equal(res.code, 0);
      assert.equal(res.data.seq, 1);
      ws.close();
    });

    it('replays every stored message after since, in order, after the join reply', async () => {
      const room = uniqueRoom();
      const operator = await ctx.connect({ token: ctx.operatorToken });
      const sent = [];
      for (let i = 0; i < 5; i++) sent.push((await operator.request('send', { room, body: `m${i}` })).data.seq);
      const viewer = await ctx.connect();
      const joined = await viewer.request('join', { room, since: sent[1] });
      assert.equal(joined.data.since, sent[1]);
      assert.equal(joined.data.last_seq, sent[4]);
      const guides = await viewer.waitForSeq(room, sent[4]);
      assert.deepEqual(seqsOf(guides), sent.slice(2));
      const replyAt = viewer.frames.indexOf(joined);
      assert.ok(viewer.frames.findIndex((f) => f.cmd === 'guide') > replyAt, 'join reply comes first');
      operator.close();
      viewer.close();
    });

    it('acks delivered seqs, keeps the highest, and resumes a join without since from the ack', async () => {
      const room = uniqueRoom();
      const operator = await ctx.connect({ token: ctx.operatorToken });
      const viewer = await ctx.connect();
      await viewer.request('join', { room, since: 0 });
      for (let i = 0; i < 4; i++) await operator.request('send', { room, body: `m${i}` });
      await viewer.waitForSeq(room, 4);
      assert.deepEqual(await viewer.request('ack', { room, seq: 3 }).then((r) => [r.code, r.data]), [0, { room, seq: 3 }]);
      const lower = await viewer.request('ack', { room, seq: 1 });
      assert.deepEqual(lower.data, { room, seq: 3 });
      viewer.close();

      const again = await ctx.connect();
      const joined = await again.request('join', { room });
      assert.equal(joined.data.since, 3);
      assert.deepEqual(seqsOf(await again.waitForSeq(room, 4)), [4]);
      again.close();
      operator.close();
    });

    it('joins a room never written to, without since, live from now', async () => {
      const room = uniqueRoom();
      const viewer = await ctx.connect();
      const joined = await viewer.request('join', { room });
      assert.deepEqual(joined.data, { room, since: 0, last_seq: 0 });
      viewer.close();
    });

    it('counts a since past the last seq as the last seq', async () => {
      const room = uniqueRoom();
      const operator = await ctx.connect({ token: ctx.operatorToken });
      await operator.request('send', { room, body: 'one' });
      const viewer = await ctx.connect();
      const joined = await viewer.request('join', { room, since: 1000 });
      assert.equal(joined.data.since, 1);
      const next = await operator.request('send', { room, body: 'two' });
      assert.deepEqual(seqsOf(await viewer.waitForSeq(room, next.data.seq)), [next.data.seq]);
      operator.close();
      viewer.close();
    });

    it('stops pushing a room after leave', async () => {
      const room = uniqueRoom();
      const other = uniqueRoom();
      const viewer = await ctx.connect();
      await viewer.request('join', { room });
      await viewer.request('join', { room: other });
      const left = await viewer.request('leave', { room });
      assert.deepEqual([left.code, left.data], [0, { room }]);
      const operator = await ctx.connect({ token: ctx.operatorToken });
      await operator.request('send', { room, body: 'not for you' });
      await operator.request('send', { room: other, body: 'for you' });
      await viewer.waitForSeq(other, 1);
      assert.deepEqual(viewer.guides(room), []);
      operator.close();
      viewer.close();
    });

    it('pages history backwards with before and limit, oldest first', async () => {
      const room = uniqueRoom();
      const operator = await ctx.connect({ token: ctx.operatorToken });
      for (let i = 1; i <= 7; i++) assert.equal((await operator.request('send', { room, body: `m${i}` })).data.seq, i);
      const page = await operator.request('history', { room, before: 6, limit: 3 });
      assert.deepEqual(
        page.data.items.map((i: { seq: number; body: string }) => [i.seq, i.body]),
        [
          [3, 'm3'],
          [4, 'm4'],
          [5, 'm5'],
        ],
      );
      const latest = await operator.request('history', { room, limit: 2 });
      assert.deepEqual(
        latest.data.items.map((i: { seq: number }) => i.seq),
        [6, 7],
      );
      operator.close();
    });
  });

  describe('error frames (the socket stays open)', () => {
    it('answers each bad frame with a code and a message naming the problem', async () => {
      const ws = await ctx.connect({ token: ctx.operatorToken });
      const big = 'x'.repeat(17 * 1024);
      const cases: [frame: string | Buffer, code: number, msg: RegExp][] = [
        ['{not json', 11, /^frame: malformed JSON/],
        ['[1,2]', 12, /^frame: must be a JSON object/],
        ['{"cmd":"fly","req":1}', 12, /^frame\.cmd: must be one of ping, join, leave, send, ack, history/],
        ['{"cmd":"ping","extra":true}', 12, /^frame\.extra: is not an accepted field/],
        ['{"cmd":"join","req":2}', 12, /^data\.room: is required/],
        ['{"cmd":"join","data":{"room":"no spaces allowed"}}', 12, /^data\.room: must match pattern/],
        ['{"cmd":"join","data":{"room":"r","since":-1}}', 12, /^data\.since: must be >= 0/],
        ['{"cmd":"join","data":{"room":"r","colour":"red"}}', 12, /^data\.colour: is not an accepted field/],
        ['{"cmd":"send","data":{"room":"r","body":42}}', 12, /^data\.body: must be string,object/],
        [`{"cmd":"send","data":{"room":"r","body":"${big}"}}`, 12, /^data\.body: larger than 16384 bytes/],
        ['{"cmd":"history","data":{"room":"r","limit":500}}', 12, /^data\.limit: must be <= 200/],
        ['{"cmd":"leave","data":{"room":"never-joined"}}', 404, /^data\.room: never-joined is not joined/],
        ['{"cmd":"ack","data":{"room":"never-joined","seq":1}}', 404, /^data\.room: never-joined is not joined/],
        [Buffer.from('{"cmd":"ping"}'), 18, /^frame: binary frames are not accepted/],
      ];
      for (const [frame, code, msg] of cases) {
        const before = ws.frames.length;
        ws.sendRaw(frame);
        const reply = await ws.waitFor((f) => ws.frames.indexOf(f) >= before && f.code !== 0);
        assert.equal(reply.code, code, String(frame).slice(0, 80));
        assert.match(reply.msg, msg);
        assert.equal((await ws.request('ping')).code, 0, 'still open');
      }
      ws.close();
    });

    it('echoes cmd and req on error frames when the frame had them', async () => {
      const ws = await ctx.connect();
      ws.sendRaw(JSON.stringify({ cmd: 'leave', req: 'r-9', data: { room: 'nowhere' } }));
      const reply = await ws.waitFor((f) => f.req === 'r-9');
      assert.deepEqual([reply.cmd, reply.code, reply.data], ['leave', 404, { field: 'data.room' }]);
      ws.close();
    });

    it('refuses an ack beyond the last delivered seq', async () => {
      const room = uniqueRoom();
      const ws = await ctx.connect();
      await ws.request('join', { room });
      const res = await ws.request('ack', { room, seq: 5 });
      assert.equal(res.code, 12);
      assert.match(res.msg, /^data\.seq: beyond the last delivered seq 0/);
      ws.close();
    });

    it('refuses joining more rooms than allowed per connection with code 16', async () => {
      const ws = await ctx.connect();
      let last: ServerFrame | undefined;
      for (let i = 0; i < 33; i++) last = await ws.request('join', { room: uniqueRoom('many') });
      assert.equal(last?.code, 16);
      assert.match(String(last?.msg), /at most 32 rooms/);
      ws.close();
    });
  });

  describe('POST /v1/guidance/rooms/:room/messages in manage_system', () => {
    it('stores with the next seq and reaches the room like a WebSocket send', async () => {
      const room = uniqueRoom();
      const viewer = await ctx.connect();
      await viewer.request('join', { room });
      const operator = await ctx.connect({ token: ctx.operatorToken });
      const ws = await operator.request('send', { room, body: 'over ws' });
      const res = await ctx.call('POST', `/v1/guidance/rooms/${room}/messages`, {
        token: ctx.operatorToken,
        body: { body: 'over http' },
      });
      assert.equal(res.status, 201);
      assert.equal(res.body.code, 0);
      assert.equal(res.body.data.seq, ws.data.seq + 1);
      assert.equal(res.body.data.sender, ctx.operatorName);
      const guides = await viewer.waitForSeq(room, res.body.data.seq);
      assert.deepEqual(
        guides.map((g) => g.body),
        ['over ws', 'over http'],
      );
      assert.deepEqual(seqsOf(guides), range(1, 2));
      viewer.close();
      operator.close();
    });

    it('refuses a viewer with 403, no token with 401 and a bad body with 422 naming the field', async () => {
      const path = `/v1/guidance/rooms/${uniqueRoom()}/messages`;
      const viewer = await ctx.call('POST', path, { token: ctx.viewerToken, body: { body: 'x' } });
      assert.deepEqual([viewer.status, viewer.body.code], [403, 15]);
      const anonymous = await ctx.call('POST', path, { body: { body: 'x' } });
      assert.deepEqual([anonymous.status, anonymous.body.code], [401, 13]);
      const bad = await ctx.call('POST', path, { token: ctx.operatorToken, body: { body: 7 } });
      assert.deepEqual([bad.status, bad.body.code], [422, 12]);
      assert.match(bad.body.msg, /^body\.body: /);
      const badRoom = await ctx.call('POST', '/v1/guidance/rooms/a%20b/messages', {
        token: ctx.operatorToken,
        body: { body: 'x' },
      });
      assert.deepEqual([badRoom.status, badRoom.body.code], [422, 12]);
      assert.match(badRoom.body.msg, /^params\.room: /);
    });
  });
});
