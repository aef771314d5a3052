import assert from 'node:assert/strict';
import { StaCode } from '../common/libs/sta_code.js';
import { nastyString, nastyValue, Rng } from './helper/fuzz_gen.js';
import { FUZZ_CASES, fuzzSeeds } from './helper/fuzz_seeds.js';
import { describeGuidance } from './helper/guidance_suite.js';
import type { Closed, GuideClient, ServerFrame } from './helper/ws_client.js';

const CASES = FUZZ_CASES;
/** Only a hang trips this: every frame is answered by a reply or a close, however loaded the machine. */
const HANG_MS = 120_000;
const COMMANDS = ['ping', 'join', 'leave', 'send', 'ack', 'history', 'guide', 'pong', '', 'JOIN', '__proto__'];
const CODES = new Set(Object.values(StaCode).map((s) => s.code));
/** Closes a hostile frame may cause: too big, not UTF-8, protocol violation. */
const EXPECTED_CLOSES = new Set([1009, 1007, 1002]);

/** One generated frame: a command with hostile data, or no command at all, or not JSON. */
function nastyFrame(rng: Rng, req: number): string | Buffer {
  const r = rng.int(12);
  if (r === 0) return Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0x7d]);
  if (r === 1) return nastyString(rng);
  if (r === 2) return JSON.stringify(nastyValue(rng));
  if (r === 3) return `{"cmd":"ping","req":${req}`;
  if (r === 4)
    return JSON.stringify({ cmd: 'send', req, data: { room: 'fuzz', body: 'x'.repeat(rng.pick([10, 70_000, 200_000])) } });
  const data = rng.chance(0.6)
    ? { room: rng.chance(0.7) ? 'fuzz' : nastyValue(rng), ...(nastyValue(rng) as object) }
    : nastyValue(rng);
  return JSON.stringify({ cmd: rng.pick(COMMANDS), req: rng.chance(0.9) ? req : nastyValue(rng), data });
}

/** The first reply (a frame with a code) after frame index `seen`, or the close, whichever comes first. */
async function replyOrClose(socket: GuideClient, seen: number): Promise<{ reply?: ServerFrame; closed?: Closed }> {
  const reply = socket
    .waitFor((f: ServerFrame) => socket.frames.indexOf(f) >= seen && f.code !== undefined, HANG_MS)
    .then((frame) => ({ reply: frame }))
    .catch(async (err: Error) => {
      if (socket.ws.readyState === socket.ws.OPEN) throw err;
      return { closed: await socket.closed };
    });
  return Promise.race([reply, socket.closed.then((closed) => ({ closed }))]);
}

describeGuidance(
  'hostile WebSocket frames',
  (ctx) => {
    for (const seed of fuzzSeeds('ws')) {
      it(`seed ${seed}: answers ${CASES} generated frames with a coded reply or an expected close, never a crash`, async function () {
        this.timeout(900_000);
        await fuzzSeed(seed);
      });
    }

    async function fuzzSeed(SEED: number): Promise<void> {
      console.log(`      fuzz seed ${SEED} (replay: FUZZ_SEEDS=${SEED} FUZZ_CASES=${CASES})`);
      const rng = new Rng(SEED);
      const findings: string[] = [];
      const closes = new Map<number, number>();
      let replies = 0;
      let next = 0;

      async function worker(token: string): Promise<void> {
        let socket: GuideClient = await ctx.connect({ token });
        for (let n = next++; n < CASES; n = next++) {
          const frame = nastyFrame(rng, n + 1_000_000);
          const seen = socket.frames.length;
          socket.sendRaw(frame);
          // pushes (guide) carry no code; replies, error frames included, always do
          let outcome: { reply?: ServerFrame; closed?: Closed };
          try {
            outcome = await replyOrClose(socket, seen);
          } catch {
            findings.push(`#${n}: no reply and no close in ${HANG_MS} ms for ${String(frame).slice(0, 120)}`);
            socket.ws.terminate();
            socket = await ctx.connect({ token });
            continue;
          }
          const { reply, closed } = outcome;
          if (reply) {
            replies++;
            if (typeof reply.code !== 'number' || !CODES.has(reply.code) || typeof reply.msg !== 'string') {
              findings.push(`#${n}: reply outside the protocol: ${JSON.stringify(reply).slice(0, 200)}`);
            } else if (reply.code >= 500) findings.push(`#${n}: server error reply ${JSON.stringify(reply).slice(0, 200)}`);
            continue;
          }
          if (!closed) continue; // unreachable: replyOrClose gives one of the two
          closes.set(closed.code, (closes.get(closed.code) ?? 0) + 1);
          if (!EXPECTED_CLOSES.has(closed.code))
            findings.push(`#${n}: closed with ${closed.code} ${closed.reason} after ${String(frame).slice(0, 120)}`);
          socket = await ctx.connect({ token });
        }
        socket.ws.close();
      }

      await Promise.all([ctx.operatorToken, ctx.viewerToken, ctx.operatorToken, ctx.viewerToken].map(worker));
      console.log(`      replies ${replies}, closes ${[...closes].map(([c, k]) => `${c}x${k}`).join(' ') || 'none'}`);
      assert.deepEqual(findings.slice(0, 10), [], `${findings.length} findings with seed ${SEED}`);
      assert.ok(replies > CASES / 2);
      for (const gw of ctx.gateways) assert.equal(gw.proc.exitCode, null, 'a gateway died');
      const probe = await ctx.connect();
      assert.equal((await probe.request('ping')).cmd, 'pong');
      probe.ws.close();
    }
  },
  { env: { WS_RATE_PER_SECOND: '1000000', WS_RATE_BURST: '1000000' } },
);
