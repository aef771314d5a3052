import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import WebSocket from 'ws';
import { describeGuidance, guideUrl } from './helper/guidance_suite.js';
import { watchSecret } from './helper/secret_watch.js';
import type { ServiceProcess } from './helper/service_process.js';
import type { GuideClient } from './helper/ws_client.js';

const PER_SESSION = 3;
const PER_ACCOUNT = 5;
const PER_ADDRESS = 2;

interface Handshake {
  status: number;
  headers: IncomingHttpHeaders;
  ws: WebSocket;
}

/** Opens a raw socket offering `protocols` and resolves with the server's handshake answer. */
function handshake(url: string, protocols: string[]): Promise<Handshake> {
  const ws = new WebSocket(url, protocols);
  ws.on('error', () => {}); // the client refuses a 101 without a protocol it offered: expected here
  return new Promise((resolve) => {
    ws.once('upgrade', (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, ws }));
  });
}

/** Every header value of a handshake answer, as one text. */
function headerText(headers: IncomingHttpHeaders): string {
  return Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
}

async function assertServes(ws: GuideClient): Promise<void> {
  assert.equal((await ws.request('ping')).code, 0);
}

async function closeAll(sockets: GuideClient[]): Promise<void> {
  for (const ws of sockets) ws.close();
  await Promise.all(sockets.map((ws) => ws.closed));
}

describeGuidance(
  'guidance_ws socket limits and subprotocols',
  (ctx) => {
    /** Signs an account in again: a second session of the same account. */
    async function accountWithTwoSessions(): Promise<[string, string]> {
      const username = `two${randomBytes(4).toString('hex')}`;
      const password = `pw-${randomBytes(6).toString('hex')}`;
      watchSecret(password);
      const made = await ctx.call('POST', '/v1/accounts', {
        token: ctx.adminToken,
        body: { username, password, role: 'viewer' },
      });
      assert.equal(made.status, 201);
      const tokens: string[] = [];
      for (let i = 0; i < 2; i++) {
        const res = await ctx.call('POST', '/v1/auth/login', { body: { username, password } });
        assert.equal(res.status, 200);
        watchSecret(res.body.data.token);
        tokens.push(res.body.data.token);
      }
      return tokens as [string, string];
    }

    it(`closes socket ${PER_SESSION + 1} of one session with 1008 naming the limit; closing one frees a slot`, async () => {
      const { token } = await ctx.newAccount('viewer');
      const open = await Promise.all(Array.from({ length: PER_SESSION }, () => ctx.connect({ token })));
      for (const ws of open) await assertServes(ws);
      const extra = await ctx.connect({ token, header: true });
      assert.deepEqual(await extra.waitClosed(), {
        code: 1008,
        reason: `socket limit: ${PER_SESSION} per session (WS_MAX_SOCKETS_PER_SESSION)`,
      });
      for (const ws of open) await assertServes(ws);
      const first = open.shift()!;
      first.close();
      await first.closed;
      const again = await ctx.connect({ token });
      await assertServes(again);
      await closeAll([...open, again]);
    });

    it(`closes socket ${PER_ACCOUNT + 1} of one account, across its sessions, with 1008 naming the limit`, async () => {
      const [one, two] = await accountWithTwoSessions();
      const ofOne = await Promise.all(Array.from({ length: PER_SESSION }, () => ctx.connect({ token: one })));
      const ofTwo = await Promise.all(Array.from({ length: PER_ACCOUNT - PER_SESSION }, () => ctx.connect({ token: two })));
      for (const ws of [...ofOne, ...ofTwo]) await assertServes(ws);
      const extra = await ctx.connect({ token: two });
      assert.deepEqual(await extra.waitClosed(), {
        code: 1008,
        reason: `socket limit: ${PER_ACCOUNT} per account (WS_MAX_SOCKETS_PER_ACCOUNT)`,
      });
      const other = await ctx.connect(); // another account is not affected
      await assertServes(other);
      const freed = ofOne.pop()!;
      freed.close();
      await freed.closed;
      const again = await ctx.connect({ token: two });
      await assertServes(again);
      await closeAll([...ofOne, ...ofTwo, other, again]);
    });

    describe('sockets per client address', () => {
      let trusting: ServiceProcess;
      let direct: ServiceProcess;
      const via = (address: string) => ({ ws: { headers: { 'x-forwarded-for': address } } });

      before(async () => {
        const env = { WS_MAX_SOCKETS_PER_ADDRESS: String(PER_ADDRESS) };
        trusting = await ctx.startGateway({ ...env, TRUSTED_PROXIES: '127.0.0.1' });
        direct = await ctx.startGateway(env);
      });

      it(`closes socket ${PER_ADDRESS + 1} from one address (X-Forwarded-For of a trusted proxy) with 1008; another address opens`, async () => {
        const accounts = await Promise.all(Array.from({ length: PER_ADDRESS + 2 }, () => ctx.newAccount('viewer')));
        const open: GuideClient[] = [];
        for (const { token } of accounts.slice(0, PER_ADDRESS))
          open.push(await ctx.connect({ gateway: trusting, token, ...via('198.51.100.7') }));
        for (const ws of open) await assertServes(ws);
        const extra = await ctx.connect({ gateway: trusting, token: accounts[PER_ADDRESS]!.token, ...via('198.51.100.7') });
        assert.deepEqual(await extra.waitClosed(), {
          code: 1008,
          reason: `socket limit: ${PER_ADDRESS} per address (WS_MAX_SOCKETS_PER_ADDRESS)`,
        });
        const elsewhere = await ctx.connect({
          gateway: trusting,
          token: accounts[PER_ADDRESS + 1]!.token,
          ...via('198.51.100.8'),
        });
        await assertServes(elsewhere);
        await closeAll([...open, elsewhere]);
      });

      it('ignores X-Forwarded-For from a client that is not a trusted proxy', async () => {
        const accounts = await Promise.all(Array.from({ length: PER_ADDRESS + 1 }, () => ctx.newAccount('viewer')));
        const sockets: GuideClient[] = [];
        for (const [i, { token }] of accounts.entries())
          sockets.push(await ctx.connect({ gateway: direct, token, ...via(`198.51.100.${i + 20}`) }));
        for (const ws of sockets.slice(0, PER_ADDRESS)) await assertServes(ws);
        assert.equal((await sockets[PER_ADDRESS]!.waitClosed()).code, 1008);
        await closeAll(sockets.slice(0, PER_ADDRESS));
      });
    });

    it('selects no subprotocol it does not speak: offering mqtt and json gets none', async () => {
      const url = `${guideUrl(ctx.gateways[0]!)}?token=${ctx.viewerToken}`;
      const answer = await handshake(url, ['mqtt', 'json']);
      assert.equal(answer.status, 101);
      assert.equal(answer.headers['sec-websocket-protocol'], undefined);
      answer.ws.terminate();
    });

    it('takes the token from a bearer.<token> offer, selects guidance.v1 and never echoes the token', async () => {
      const { token } = await ctx.newAccount('viewer');
      const answer = await handshake(guideUrl(ctx.gateways[0]!), ['guidance.v1', `bearer.${token}`]);
      assert.equal(answer.status, 101);
      assert.equal(answer.headers['sec-websocket-protocol'], 'guidance.v1');
      assert.ok(!headerText(answer.headers).includes(token), headerText(answer.headers));
      const ws = answer.ws;
      if (ws.readyState !== WebSocket.OPEN) await new Promise((r) => ws.once('open', r));
      assert.equal(ws.protocol, 'guidance.v1');
      const reply = new Promise<{ cmd: string; code: number }>((resolve) =>
        ws.once('message', (d) => resolve(JSON.parse(String(d)))),
      );
      ws.send(JSON.stringify({ cmd: 'ping', req: 1 }));
      const frame = await reply;
      assert.equal(frame.cmd, 'pong');
      assert.equal(frame.code, 0);
      ws.close();

      const alone = await handshake(guideUrl(ctx.gateways[0]!), [`bearer.${token}`]);
      assert.equal(alone.status, 101);
      assert.equal(alone.headers['sec-websocket-protocol'], undefined);
      assert.ok(!headerText(alone.headers).includes(token));
      alone.ws.terminate();
    });

    it('closes a socket whose bearer.<token> offer is not a live session with 4401, without echoing it', async () => {
      const bogus = `bearer.${'x'.repeat(43)}`;
      const answer = await handshake(guideUrl(ctx.gateways[0]!), [bogus, 'guidance.v1']);
      assert.equal(answer.status, 101);
      assert.equal(answer.headers['sec-websocket-protocol'], 'guidance.v1');
      const closed = await new Promise<number>((resolve) => answer.ws.once('close', (code) => resolve(code)));
      assert.equal(closed, 4401);
    });
  },
  { env: { WS_MAX_SOCKETS_PER_SESSION: String(PER_SESSION), WS_MAX_SOCKETS_PER_ACCOUNT: String(PER_ACCOUNT) } },
);
