import assert from 'node:assert/strict';
import { describeGuidance, uniqueRoom } from './helper/guidance_suite.js';
import type { GuideClient, ServerFrame } from './helper/ws_client.js';

const INT32_MAX = 2_147_483_647;

/** Sends raw frame text and resolves with the first reply (a frame with a code) after it. */
async function replyTo(ws: GuideClient, text: string): Promise<ServerFrame> {
  const seen = ws.frames.length;
  ws.sendRaw(text);
  return ws.waitFor((f) => ws.frames.indexOf(f) >= seen && f.code !== undefined);
}

/** An error reply with business code 12 whose message and `data.field` name `field`. */
function assertRefused(reply: ServerFrame, cmd: string, field: string, what: string): void {
  assert.equal(reply.cmd, cmd, what);
  assert.equal(reply.code, 12, `${what}: ${JSON.stringify(reply)}`);
  assert.equal(reply.data?.field, field, what);
  assert.ok(reply.msg.startsWith(`${field}: `), `${what}: ${reply.msg}`);
}

describeGuidance('guidance_ws input rules', (ctx) => {
  it('refuses integers outside their field range, including 1e400 (Infinity) and 2^63, naming the field', async () => {
    const ws = await ctx.connect({ token: ctx.operatorToken });
    const room = uniqueRoom('in');
    const cases: [cmd: string, data: string, field: string][] = [];
    for (const bad of ['1e400', '-1e400', '9223372036854775808', `${INT32_MAX + 1}`, '1.5', '0', '-1', '"5"']) {
      cases.push(['history', `{"room":"${room}","before":${bad}}`, 'data.before']);
      cases.push(['ack', `{"room":"${room}","seq":${bad}}`, 'data.seq']);
    }
    for (const bad of ['1e400', '9223372036854775808', `${INT32_MAX + 1}`, '0.5', '-1', '"0"']) {
      cases.push(['join', `{"room":"${room}","since":${bad}}`, 'data.since']);
    }
    for (const bad of ['1e400', '201', '0', '2.5']) cases.push(['history', `{"room":"${room}","limit":${bad}}`, 'data.limit']);
    let req = 1;
    for (const [cmd, data, field] of cases) {
      const reply = await replyTo(ws, `{"cmd":"${cmd}","req":"raw-${req}","data":${data}}`);
      assert.equal(reply.req, `raw-${req++}`);
      assertRefused(reply, cmd, field, `${cmd} ${data}`);
    }
    ws.close();
  });

  it('takes integers at their bounds', async () => {
    const ws = await ctx.connect({ token: ctx.operatorToken });
    const room = uniqueRoom('in');
    const sent = await ws.request('send', { room, body: 'bounds' });
    assert.equal(sent.code, 0);
    const history = await ws.request('history', { room, before: INT32_MAX, limit: 200 });
    assert.equal(history.code, 0, history.msg);
    assert.deepEqual(
      history.data.items.map((i: { seq: number }) => i.seq),
      [sent.data.seq],
    );
    const joined = await ws.request('join', { room, since: 0 });
    assert.equal(joined.code, 0, joined.msg);
    assert.equal(joined.data.since, 0);
    await ws.waitForSeq(room, sent.data.seq);
    const acked = await ws.request('ack', { room, seq: sent.data.seq });
    assert.equal(acked.code, 0, acked.msg);
    const big = await replyTo(ws, `{"cmd":"ping","req":${Number.MAX_SAFE_INTEGER}}`);
    assert.equal(big.req, Number.MAX_SAFE_INTEGER);
    assert.equal(big.code, 0);
    const tooBig = await replyTo(ws, '{"cmd":"ping","req":1e400}');
    assert.equal(tooBig.code, 12);
    assert.match(tooBig.msg, /^frame\.req: /);
    ws.close();
  });

  it('refuses U+0000, lone surrogates and 1e400 anywhere in frame data, storing nothing', async () => {
    const ws = await ctx.connect({ token: ctx.operatorToken });
    const room = uniqueRoom('in');
    const cases: [cmd: string, data: string, field: string][] = [
      ['join', '{"room":"a\\u0000b"}', 'data.room'],
      ['history', '{"room":"a\\ud800"}', 'data.room'],
      ['send', `{"room":"${room}","body":"x\\u0000"}`, 'data.body'],
      ['send', `{"room":"${room}","body":{"steps":["ok","\\udc00"]}}`, 'data.body.steps.1'],
      ['send', `{"room":"${room}","body":{"a\\u0000":1}}`, 'data.body'],
      ['send', `{"room":"${room}","body":{"n":[1,1e400]}}`, 'data.body.n.1'],
    ];
    for (const [cmd, data, field] of cases) {
      const reply = await replyTo(ws, `{"cmd":"${cmd}","req":"raw","data":${data}}`);
      assertRefused(reply, cmd, field, `${cmd} ${data}`);
    }
    const history = await ws.request('history', { room });
    assert.equal(history.code, 0);
    assert.deepEqual(history.data.items, [], 'nothing stored');
    ws.close();
  });
});
