import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createClient } from 'redis';
import WsWebSocket from 'ws';
import { RedisBus } from '../common/libs/redis_bus.js';
import { GuidanceClient, type GuideMessage } from '../guidance_ws/client/guidance_client.js';
import { freshDatabase, needServices, REQUIRE_SERVICES, tempDir } from './helper/backends.js';
import { startTicker, type Ticker } from './helper/cron_ticker.js';
import { guideUrl } from './helper/guidance_suite.js';
import { client } from './helper/http_client.js';
import { ask, SentinelSet, sentinelInstalled } from './helper/sentinel_set.js';
import { type ServiceProcess, startService } from './helper/service_process.js';
import { until } from './helper/wait.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One HTTP answer of the load, by when its request started and ended. */
interface Answer {
  op: string;
  startedAt: number;
  doneAt: number;
  status: number;
  code: unknown;
}

/** Runs `workers` loops of `step` until `stop()`; each answer is recorded. */
function httpLoad(steps: [op: string, run: () => Promise<{ status: number; body: unknown }>][], workers: number) {
  const answers: Answer[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async (_, w) => {
    for (let i = w; running; i++) {
      const [op, run] = steps[i % steps.length]!;
      const startedAt = Date.now();
      const res = await run().catch((err: Error) => ({ status: 0, body: { code: err.message } }));
      const code = (res.body as { code?: unknown } | undefined)?.code;
      answers.push({ op, startedAt, doneAt: Date.now(), status: res.status, code });
    }
  });
  return {
    answers,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** A viewer: the messages of `room` it was handed, in the order it was handed them. */
function viewer(url: string, token: string, room: string): { client: GuidanceClient; seen: GuideMessage[] } {
  const seen: GuideMessage[] = [];
  const c = new GuidanceClient({ url, token, WebSocket: WsWebSocket, backoff: { initialMs: 50, maxMs: 400 }, ackDelayMs: 0 });
  c.on('message', (m) => {
    if (m.room === room) seen.push(m);
  });
  return { client: c, seen };
}

describe('Redis Sentinel failover under HTTP and WebSocket load [mysql]', function () {
  this.timeout(120_000);
  let set: SentinelSet | undefined;
  let db: Awaited<ReturnType<typeof freshDatabase>> | undefined;
  const services: ServiceProcess[] = [];
  const tickers: Ticker[] = [];
  const clients: GuidanceClient[] = [];
  let bus: RedisBus | undefined;
  const dir = tempDir('topology');

  before(async function () {
    if (!sentinelInstalled()) {
      if (REQUIRE_SERVICES) throw new Error('REQUIRE_SERVICES=1 but redis-sentinel is not installed');
      console.log('      skipped: redis-sentinel is not installed (Debian package redis-sentinel)');
      this.skip();
    }
    await needServices(this);
  });

  after(async function () {
    this.timeout(30_000);
    for (const c of clients) c.close();
    await bus?.close();
    for (const t of tickers) t.proc.kill('SIGTERM');
    await Promise.all(tickers.map((t) => t.exited));
    await Promise.all(services.map((s) => s.stop()));
    await set?.stop();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps answering (2xx or 503, never 500), loses no acked message, keeps sessions, and runs each cron tick at most once across a SIGKILL of the primary', async () => {
    set = await new SentinelSet().start();
    db = await freshDatabase();
    const adminPassword = `pw-${randomBytes(6).toString('hex')}`;
    const env = { DB_URL: db.url, REDIS_URL: set.url };
    const manage = await startService('http_manage_system.ts', {
      ...env,
      LOG_DIR: path.join(dir, 'manage'),
      ADMIN_PASSWORD: adminPassword,
    });
    services.push(manage);
    // Catch-up from the database every 10 minutes only: within this test a gateway learns of a
    // message from the bus, so delivery after the failover shows the subscription moved.
    const gateway = (name: string) =>
      startService('ws_guidance.ts', { ...env, LOG_DIR: path.join(dir, name), CATCHUP_INTERVAL_MS: '600000' });
    const [sending, viewing] = await Promise.all([gateway('gw_a'), gateway('gw_b')]);
    services.push(sending!, viewing!);
    const call = client(manage.url);

    const login = (username: string, password: string) => call('POST', '/v1/auth/login', { body: { username, password } });
    const adminToken = (await login('admin', adminPassword)).body.data.token as string;
    const newAccount = async (role: string) => {
      const username = `${role.slice(0, 3)}${randomBytes(4).toString('hex')}`;
      const password = `pw-${randomBytes(6).toString('hex')}`;
      const made = await call('POST', '/v1/accounts', { token: adminToken, body: { username, password, role } });
      assert.equal(made.status, 201, made.text);
      return { username, password, token: (await login(username, password)).body.data.token as string };
    };
    const operator = await newAccount('operator');
    const viewerAccount = await newAccount('viewer');

    // Cron: two instances of a 1-second job sharing the Sentinel set.
    const tickFile = path.join(dir, 'ticks.txt');
    for (let i = 0; i < 2; i++) {
      tickers.push(await startTicker({ REDIS_URL: set.url, TICK_FILE: tickFile, LOG_DIR: path.join(dir, `ticker${i}`) }));
    }
    const tickersUp = Date.now();

    // The bus of this process, subscribed before the failover.
    bus = await new RedisBus(set.url).connect();
    const heard: string[] = [];
    await bus.subscribe('topology_probe', (p) => heard.push(p));

    // WebSocket: an operator on gateway A, viewers on gateway B (over the bus) and on A.
    const room = `failover-${randomBytes(4).toString('hex')}`;
    const viewers = [guideUrl(viewing!), guideUrl(viewing!), guideUrl(sending!)].map((u) => viewer(u, viewerAccount.token, room));
    for (const v of viewers) {
      clients.push(v.client);
      await v.client.join(room);
    }
    const sender = new GuidanceClient({
      url: guideUrl(sending!),
      token: operator.token,
      WebSocket: WsWebSocket,
      backoff: { initialMs: 50, maxMs: 400 },
    });
    clients.push(sender);
    const acked: { seq: number; body: string }[] = [];
    let sendFailures = 0;
    let sending_ = true;
    const sends = (async () => {
      for (let n = 0; sending_; n++) {
        const body = `m${n}`;
        try {
          acked.push({ seq: (await sender.send(room, body)).seq, body });
        } catch {
          sendFailures++;
          await sleep(20);
        }
      }
    })();

    // HTTP: logins, /v1/auth/me on a session made before the failover, writes; /ready probes.
    const before = (await login(operator.username, operator.password)).body.data.token as string;
    const http = httpLoad(
      [
        ['login', () => login(operator.username, operator.password)],
        ['me', () => call('GET', '/v1/auth/me', { token: before })],
        [
          'write',
          () =>
            call('POST', '/v1/accounts', {
              token: adminToken,
              body: { username: `w${randomBytes(5).toString('hex')}`, password: 'pw-123456789', role: 'viewer' },
            }),
        ],
        ['ready', () => call('GET', '/ready')],
      ],
      4,
    );

    await until(async () => acked.length >= 10 && http.answers.length >= 40, 15_000, 50);
    const oldPort = set.primary.port;
    const killedAt = Date.now();
    await set.killPrimary();
    assert.ok(await until(async () => ((await set!.primaryPort()) ?? oldPort) !== oldPort, 30_000, 100), 'no failover');
    const newPort = (await set.primaryPort())!;
    const promotedAt = Date.now();
    const firstReady = () => http.answers.find((a) => a.op === 'ready' && a.startedAt > killedAt && a.status === 200);
    assert.ok(await until(async () => !!firstReady(), 30_000, 50), '/ready never answered 200 again');
    const recoveredAt = firstReady()!.doneAt;
    const sentAtRecovery = acked.length;
    await until(async () => acked.length >= sentAtRecovery + 10 && http.answers.length > 0, 15_000, 50);
    await until(async () => http.answers.filter((a) => a.startedAt > recoveredAt).length >= 40, 15_000, 50);
    await http.stop();
    sending_ = false;
    await sends;

    // The old primary comes back as a replica: leases can be acknowledged again, ticks resume.
    await set.restartOldPrimary(newPort);
    assert.ok(await until(() => set!.isSyncedReplica(oldPort), 20_000, 100), 'the old primary did not resync');
    const rejoinedAt = Date.now();
    const ranTicks = () =>
      fs
        .readFileSync(tickFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => Date.parse(l.split(' ')[0]!));
    assert.ok(await until(async () => ranTicks().some((t) => t > rejoinedAt), 10_000, 100), 'ticks did not resume');
    // Every whole second while the tickers were up (a second of margin at each end) must be
    // run or logged lost. A loaded ticker may still be deciding the last of them: wait until
    // each is one or the other before the stop, so that none is cut off by it.
    const from = Math.ceil(tickersUp / 1000) * 1000 + 1000;
    const to = Math.floor(Date.now() / 1000) * 1000 - 1000;
    const lostTicks = () => {
      const lost = new Set<number>();
      for (const t of tickers) {
        for (const m of t.output().matchAll(/cron tick tick_probe:(\S+) lost/g)) lost.add(Date.parse(m[1]!));
      }
      return lost;
    };
    const silentTicks = () => {
      const runs = new Set(ranTicks());
      const lost = lostTicks();
      const silent: string[] = [];
      for (let t = from; t <= to; t += 1000) if (!runs.has(t) && !lost.has(t)) silent.push(new Date(t).toISOString());
      return silent;
    };
    await until(async () => silentTicks().length === 0, 10_000, 100);
    for (const t of tickers) t.proc.kill('SIGTERM');
    assert.deepEqual(
      await Promise.all(tickers.map((t) => t.exited)),
      tickers.map(() => 0),
    );

    // ---- HTTP: every answer 2xx or the 503 envelope, 2xx again after the failover ----
    const bad = http.answers.filter((a) => !(a.status >= 200 && a.status < 300) && !(a.status === 503 && a.code === 503));
    assert.deepEqual(bad.slice(0, 5), [], `${bad.length} answers neither 2xx nor the 503 envelope`);
    const afterRecovery = http.answers.filter((a) => a.startedAt > recoveredAt);
    assert.ok(afterRecovery.length > 0, 'no load after the recovery');
    assert.deepEqual(
      afterRecovery.filter((a) => a.status !== 200 && a.status !== 201).slice(0, 5),
      [],
      'an answer after the recovery was not 2xx',
    );
    const failed503 = http.answers.filter((a) => a.status === 503);
    const other5xx = http.answers.filter((a) => a.status >= 500 && a.status !== 503);

    // ---- sessions made before the failover still work ----
    assert.equal((await call('GET', '/v1/auth/me', { token: before })).status, 200);
    assert.equal((await call('GET', '/v1/auth/me', { token: adminToken })).status, 200);

    // ---- WebSocket: every acked send delivered to every viewer once, in order ----
    const last = (await sender.send(room, 'final')).seq;
    for (const v of viewers) {
      assert.ok(await until(async () => v.seen.some((m) => m.seq === last), 15_000, 50), 'delivery did not resume');
    }
    let lost = 0;
    for (const v of viewers) {
      const seqs = v.seen.map((m) => m.seq);
      assert.deepEqual(
        seqs,
        Array.from({ length: last }, (_, i) => i + 1),
        'each stored message once, in order',
      );
      const bySeq = new Map(v.seen.map((m) => [m.seq, m.body]));
      lost += acked.filter((a) => bySeq.get(a.seq) !== a.body).length;
    }
    assert.equal(lost, 0, 'acked messages lost');

    // ---- the bus of this process moved its subscription to the new primary by itself ----
    // A publish reaches only the subscribers of that moment: publish once the subscription is
    // back on a server of the set (the new primary, or the old one now its replica).
    const subscribers = async () => {
      let n = 0;
      for (const port of [newPort, oldPort]) {
        const [, count] = (await ask(port, ['PUBSUB', 'NUMSUB', 'topology_probe'])) as [string, number];
        n += Number(count);
      }
      return n;
    };
    assert.ok(await until(async () => (await subscribers()) > 0, 15_000, 50), 'the bus did not resubscribe');
    const direct = createClient({ socket: { host: '127.0.0.1', port: newPort } });
    await direct.connect();
    try {
      await direct.publish('topology_probe', 'after failover');
    } finally {
      direct.destroy();
    }
    assert.ok(await until(async () => heard.includes('after failover'), 5000, 50), 'a publish after the failover was not heard');

    // ---- cron: no tick twice; every tick either ran or is logged as lost ----
    const ran = ranTicks();
    const runs = new Map<number, number>();
    for (const t of ran) runs.set(t, (runs.get(t) ?? 0) + 1);
    const twice = [...runs].filter(([, n]) => n > 1).map(([t]) => new Date(t).toISOString());
    assert.deepEqual(twice, [], 'ticks run more than once');
    assert.deepEqual(silentTicks(), [], 'ticks neither run nor logged as lost');
    assert.ok(lostTicks().size > 0, 'a failover with no replica left must lose (and log) ticks');

    console.log(
      [
        '      figures:',
        `        failover time (kill -> first /ready 200, which pings Redis): ${recoveredAt - killedAt} ms`,
        `        all three sentinels named the new primary after: ${promotedAt - killedAt} ms`,
        `        HTTP answers: ${http.answers.length}, failed (503): ${failed503.length} ` +
          `(${failed503.filter((a) => a.op === 'ready').length} of them /ready), other 5xx: ${other5xx.length}`,
        `        WS sends acked: ${acked.length}, refused: ${sendFailures}, messages lost: ${lost}, viewers: ${viewers.length}`,
        `        cron ticks run: ${ran.length}, logged lost: ${lostTicks().size}, run twice: ${twice.length}`,
      ].join('\n'),
    );
  });
});
