import assert from 'node:assert/strict';
import WsWebSocket from 'ws';
import {
  GuidanceClient,
  type GuidanceClientOptions,
  GuidanceError,
  type SeqStore,
} from '../guidance_ws/client/guidance_client.js';
import { ClientLog, nextEvent } from './helper/client_events.js';
import { describeGuidance, type GuidanceCtx, guideUrl, uniqueRoom } from './helper/guidance_suite.js';
import { TcpProxy } from './helper/tcp_proxy.js';
import { range } from './helper/ws_client.js';

const FAST_RETRY = { initialMs: 50, maxMs: 400 };

/** The runtime's WebSocket (Node 22+, browsers); `ws` on Node 20, which has none. */
const RuntimeWebSocket = globalThis.WebSocket ?? WsWebSocket;

/** A client of gateway 0 (the runtime's WebSocket), closed after the suite. */
function clientFor(ctx: GuidanceCtx, opened: GuidanceClient[], opts: Partial<GuidanceClientOptions> = {}): GuidanceClient {
  const client = new GuidanceClient({
    url: guideUrl(ctx.gateways[0]!),
    token: ctx.viewerToken,
    WebSocket: RuntimeWebSocket,
    backoff: FAST_RETRY,
    ackDelayMs: 0,
    ...opts,
  });
  opened.push(client);
  return client;
}

async function storedSeqs(ctx: GuidanceCtx, room: string): Promise<number[]> {
  const raw = await ctx.connect();
  const items = (await raw.request('history', { room, limit: 200 })).data.items as { seq: number }[];
  raw.close();
  return items.map((i) => i.seq);
}

describeGuidance(
  'guidance client (guidance_ws/client) against a real gateway',
  (ctx) => {
    const opened: GuidanceClient[] = [];
    afterEach(() => {
      for (const client of opened.splice(0)) client.close();
    });

    it('joins, sends (each send resolves with its stored seq), delivers each message once in order, and acks', async () => {
      const room = uniqueRoom('basic');
      const viewer = new ClientLog(clientFor(ctx, opened));
      const operator = clientFor(ctx, opened, { token: ctx.operatorToken });
      const joined = await viewer.client.join(room);
      assert.deepEqual(joined, { room, since: 0, last_seq: 0 });
      const acked = nextEvent(viewer.client, 'ack', (a) => a.room === room && a.seq === 5);
      const replies = [];
      for (let i = 0; i < 5; i++) replies.push(await operator.send(room, { step: i }));
      assert.deepEqual(
        replies.map((r) => r.seq),
        await storedSeqs(ctx, room),
      );
      await viewer.reached(room, 5);
      assert.deepEqual(viewer.seqs(room), range(1, 5));
      assert.deepEqual(
        viewer.messages.map((m) => [m.body, m.sender]),
        range(0, 4).map((i) => [{ step: i }, ctx.operatorName]),
      );
      await acked;
      // The ack is the account's progress: a join without since resumes after it.
      const raw = await ctx.connect();
      assert.equal((await raw.request('join', { room })).data.since, 5);
      raw.close();
      assert.deepEqual(viewer.errors, []);
    });

    it("takes ws's WebSocket as well (Node 20 has no global one)", async () => {
      const room = uniqueRoom('ws');
      const viewer = new ClientLog(clientFor(ctx, opened, { WebSocket: WsWebSocket }));
      const operator = clientFor(ctx, opened, { token: ctx.operatorToken, WebSocket: WsWebSocket });
      await viewer.client.join(room);
      const { seq } = await operator.send(room, 'over ws');
      await viewer.reached(room, seq);
      assert.deepEqual(
        viewer.messages.map((m) => [m.seq, m.body]),
        [[seq, 'over ws']],
      );
    });

    it('rejects a viewer send with code 15 and a bad room with code 12, and stays usable', async () => {
      const viewer = clientFor(ctx, opened);
      await assert.rejects(
        viewer.send(uniqueRoom(), 'no'),
        (err: GuidanceError) => err instanceof GuidanceError && err.code === 15,
      );
      await assert.rejects(viewer.join('bad room!'), (err: GuidanceError) => err.code === 12 && /data\.room/.test(err.message));
      assert.equal(viewer.lastSeq('bad room!'), undefined, 'a refused room is not joined');
      const room = uniqueRoom();
      assert.equal((await viewer.join(room)).room, room);
    });

    it('resumes from the seq kept in an app store, across client objects', async () => {
      const room = uniqueRoom('store');
      const saved = new Map<string, number>();
      const store: SeqStore = { get: async (r) => saved.get(r), set: async (r, seq) => void saved.set(r, seq) };
      const operator = clientFor(ctx, opened, { token: ctx.operatorToken });
      const first = new ClientLog(clientFor(ctx, opened, { store, ackDelayMs: 60_000 }));
      await first.client.join(room);
      for (let i = 0; i < 3; i++) await operator.send(room, `a${i}`);
      await first.reached(room, 3);
      first.client.close();
      assert.equal(saved.get(room), 3);
      saved.set(room, 2); // as if the app had persisted only up to 2
      for (let i = 0; i < 2; i++) await operator.send(room, `b${i}`);
      const second = new ClientLog(clientFor(ctx, opened, { store }));
      assert.equal((await second.client.join(room)).since, 2);
      await second.reached(room, 5);
      assert.deepEqual(second.seqs(room), [3, 4, 5]);
    });

    it('after a dropped connection reconnects with backoff and resumes: every message once, in order; a queued send resolves', async () => {
      const room = uniqueRoom('drop');
      const proxy = await new TcpProxy('127.0.0.1', ctx.gateways[0]!.port).start();
      try {
        const url = `ws://127.0.0.1:${proxy.port}/v1/guide`;
        const viewer = new ClientLog(clientFor(ctx, opened, { url }));
        const operator = clientFor(ctx, opened, { token: ctx.operatorToken });
        const viaProxy = clientFor(ctx, opened, { url, token: ctx.operatorToken });
        await viewer.client.join(room);
        await viaProxy.join(room);
        for (let i = 0; i < 3; i++) await operator.send(room, `before ${i}`);
        await viewer.reached(room, 3);

        const dropped = nextEvent(viewer.client, 'close');
        const senderDropped = nextEvent(viaProxy, 'close');
        await proxy.cut();
        const close = await dropped;
        assert.equal(close.final, false);
        assert.ok(
          close.retryInMs! >= FAST_RETRY.initialMs / 2 && close.retryInMs! <= FAST_RETRY.maxMs,
          `retry in ${close.retryInMs} ms`,
        );
        await senderDropped;
        const queued = viaProxy.send(room, 'sent while cut off');
        for (let i = 0; i < 5; i++) await operator.send(room, `while cut ${i}`);
        const back = nextEvent(viewer.client, 'open');
        await proxy.start();
        await back;
        const stored = await queued;
        await viewer.reached(room, stored.seq);
        const last = (await operator.send(room, 'after')).seq;
        await viewer.reached(room, last);
        assert.deepEqual(viewer.seqs(room), range(1, last));
        assert.deepEqual(await storedSeqs(ctx, room), range(1, last));
        assert.ok(viewer.closes.length >= 1 && viewer.closes.every((c) => !c.final));
      } finally {
        await proxy.cut();
      }
    });

    it('drops a socket that stops answering (ping unanswered, handshake unanswered), then resumes', async () => {
      const room = uniqueRoom('silent');
      const proxy = await new TcpProxy('127.0.0.1', ctx.gateways[0]!.port).start();
      try {
        const url = `ws://127.0.0.1:${proxy.port}/v1/guide`;
        const viewer = new ClientLog(clientFor(ctx, opened, { url, pingIntervalMs: 100 }));
        const operator = clientFor(ctx, opened, { token: ctx.operatorToken });
        await viewer.client.join(room);
        await operator.send(room, 'heard');
        await viewer.reached(room, 1);
        const silent = nextEvent(viewer.client, 'close', (e) => e.reason === 'no answer to ping');
        const hung = nextEvent(viewer.client, 'close', (e) => e.reason === 'no answer to the handshake');
        proxy.holdReplies();
        await operator.send(room, 'held back');
        const gone = await silent;
        assert.deepEqual([gone.code, gone.final], [1006, false]);
        await hung;
        const back = nextEvent(viewer.client, 'open');
        proxy.releaseReplies();
        await back;
        const last = (await operator.send(room, 'after')).seq;
        await viewer.reached(room, last);
        assert.deepEqual(viewer.seqs(room), range(1, last));
      } finally {
        await proxy.cut();
      }
    });

    it('on logout gets 4401, emits a final close and never reconnects; later calls reject', async () => {
      const account = await ctx.newAccount('viewer');
      let sockets = 0;
      const Counting = class extends WebSocket {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          sockets++;
        }
      };
      const log = new ClientLog(clientFor(ctx, opened, { token: account.token, WebSocket: Counting }));
      await log.client.join(uniqueRoom());
      const closed = nextEvent(log.client, 'close');
      const out = await ctx.call('POST', '/v1/auth/logout', { token: account.token });
      assert.equal(out.status, 200, out.text);
      const close = await closed;
      assert.deepEqual([close.code, close.final, close.retryInMs], [4401, true, undefined]);
      assert.match(close.reason, /revoked or expired/);
      // Absence can only be watched for a while: well past the longest retry delay.
      await new Promise((r) => setTimeout(r, FAST_RETRY.maxMs * 3));
      assert.equal(sockets, 1);
      assert.deepEqual(log.closes, [close]);
      await assert.rejects(log.client.join(uniqueRoom()), (err: GuidanceError) => err.code === 'closed');
      await assert.rejects(log.client.send(uniqueRoom(), 'x'), (err: GuidanceError) => err.code === 'closed');
    });

    it('serves itself as one ES module at /client/guidance.js that imports with no other file', async () => {
      const res = await fetch(`${ctx.gateways[0]!.url}/client/guidance.js`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      const text = await res.text();
      assert.doesNotMatch(text, /^\s*import\s/m, 'no import: the one file is the whole client');
      const mod = await import(`data:text/javascript;base64,${Buffer.from(text).toString('base64')}`);
      const room = uniqueRoom('served');
      const client = new mod.GuidanceClient({ url: guideUrl(ctx.gateways[0]!), token: ctx.operatorToken, WebSocket });
      opened.push(client);
      assert.deepEqual(await client.join(room), { room, since: 0, last_seq: 0 });
      assert.equal((await client.send(room, 'hello')).seq, 1);
      assert.equal(new mod.GuidanceError(12, 'x').code, 12);
    });
  },
  { env: { SESSION_CHECK_MS: '300' } },
);
