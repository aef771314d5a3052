import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import mysql from 'mysql2/promise';
import WsWebSocket from 'ws';
import { GuidanceClient, type GuidanceError } from '../guidance_ws/client/guidance_client.js';
import { type Backend, needServices, openBackend, REQUIRE_SERVICES, tempDir } from './helper/backends.js';
import { ClientLog } from './helper/client_events.js';
import { NGINX_BINARY, NginxServer, renderNginxConf } from './helper/nginx_server.js';
import { freePort } from './helper/ports.js';
import { type ServiceProcess, startService } from './helper/service_process.js';
import { until } from './helper/wait.js';

/** The address test clients speak to nginx from; nginx itself reaches the instances from 127.0.0.1. */
const CLIENT_ADDRESS = '127.0.0.5';
/** A peer that reaches an instance around nginx: not in TRUSTED_PROXIES. */
const AROUND_ADDRESS = '127.0.0.3';
const HTTP_CLIENTS = 4;
const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;

interface Shot {
  method: string;
  path: string;
  status?: number;
  error?: string;
  requestId?: string;
  body?: { data?: Record<string, unknown> };
  /** What makes a write recognisable in the database: the username created, the user agent of a login. */
  mark?: string;
}

interface SendOptions {
  headers?: Record<string, string>;
  body?: unknown;
  localAddress?: string;
  agent?: http.Agent;
}

/** One HTTP request; never rejects: a request that got no answer says why in `error`. */
function send(port: number, method: string, target: string, opts: SendOptions = {}): Promise<Shot> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = { ...opts.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: target,
        headers,
        agent: opts.agent,
        localAddress: opts.localAddress,
        timeout: 30_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.once('end', () => {
          let parsed: Shot['body'];
          try {
            parsed = JSON.parse(text) as Shot['body'];
          } catch {
            parsed = undefined;
          }
          resolve({ method, path: target, status: res.statusCode, requestId: String(res.headers['x-request-id']), body: parsed });
        });
        res.once('error', (err) => resolve({ method, path: target, error: err.message }));
      },
    );
    req.once('timeout', () => req.destroy(new Error('TIMEOUT')));
    req.once('error', (err: NodeJS.ErrnoException) => resolve({ method, path: target, error: err.code ?? err.message }));
    req.end(body);
  });
}

/** Lines of a log file (missing: none). */
function lines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/** Every line of an instance's access logs (`run_logs/<service>/access-*.log` under its LOG_DIR). */
function accessLines(logDir: string, service: string): string[] {
  const dir = path.join(logDir, service);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith('access-'))
    .flatMap((f) => lines(path.join(dir, f)));
}

describe('topology: nginx in front of 2 manage_system and 2 guidance_ws instances [MariaDB + Redis]', function () {
  this.timeout(180_000);
  let backend: Backend;
  let db: mysql.Connection;
  let dir: string;
  let nginx: NginxServer;
  const instances: { name: string; launcher: string; env: Record<string, string>; svc: ServiceProcess }[] = [];
  let managePort = 0;
  let guidePort = 0;

  before(async function () {
    if (!fs.existsSync(NGINX_BINARY)) {
      if (REQUIRE_SERVICES) throw new Error(`REQUIRE_SERVICES=1 but ${NGINX_BINARY} is not installed`);
      console.log(`      skipped: ${NGINX_BINARY} is not installed (Debian package nginx)`);
      this.skip();
    }
    await needServices(this);
    backend = await openBackend('mysql');
    db = await mysql.createConnection(backend.env.DB_URL!);
    dir = tempDir('topology');
    const start = async (name: string, launcher: string) => {
      const env = {
        ...backend.env,
        RUN_PORT: String(await freePort()),
        SERVER_ID: name,
        LOG_DIR: path.join(dir, name),
        ADMIN_PASSWORD: PASSWORD,
        TRUSTED_PROXIES: '127.0.0.1',
        WS_RATE_PER_SECOND: '1000',
        WS_RATE_BURST: '1000',
      };
      instances.push({ name, launcher, env, svc: await startService(launcher, env, 60_000) });
    };
    // one at a time: the first of each creates its tables (and manage_system the admin)
    await start('manage-a', 'http_manage_system.ts');
    await start('manage-b', 'http_manage_system.ts');
    await start('guide-a', 'ws_guidance.ts');
    await start('guide-b', 'ws_guidance.ts');

    managePort = await freePort();
    guidePort = await freePort();
    const servers = (launcher: string) =>
      instances
        .filter((i) => i.launcher === launcher)
        .map((i) => `server 127.0.0.1:${i.svc.port} max_fails=0;`)
        .join(' ');
    const site = renderNginxConf('service-units/nginx.conf.in', {
      MANAGE_LISTEN: `127.0.0.1:${managePort}`,
      MANAGE_SERVERS: servers('http_manage_system.ts'),
      GUIDANCE_LISTEN: `127.0.0.1:${guidePort}`,
      GUIDANCE_SERVERS: servers('ws_guidance.ts'),
      LOG_DIR: path.join(dir, 'nginx', 'logs'),
    });
    nginx = new NginxServer(path.join(dir, 'nginx'), site);
    assert.equal(nginx.check(), undefined, 'nginx -t');
    await nginx.start(managePort);
  });

  after(async function () {
    this.timeout(60_000);
    await nginx?.stop();
    await Promise.all(instances.map((i) => i.svc.stop()));
    await db?.end();
    await backend?.teardown();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const nginxLog = (service: string) => lines(path.join(dir, 'nginx', 'logs', `gatehouse_${service}.access.log`));
  async function login(username: string, opts: SendOptions, port = managePort): Promise<Shot> {
    return send(port, 'POST', '/v1/auth/login', { ...opts, body: { username, password: PASSWORD } });
  }

  async function loginRecordIp(userAgent: string): Promise<string[]> {
    const [rows] = await db.query('SELECT ip FROM sys_records_login WHERE user_agent = ?', [userAgent]);
    return (rows as { ip: string }[]).map((r) => r.ip);
  }

  it('believes the client address and request id nginx passes, and neither from a peer around it', async () => {
    const viaNginx = `ua-nginx-${randomBytes(4).toString('hex')}`;
    const proxied = await login('admin', {
      localAddress: CLIENT_ADDRESS,
      headers: { 'user-agent': viaNginx, 'x-request-id': 'forged-by-client', 'x-forwarded-for': '203.0.113.9' },
    });
    assert.equal(proxied.status, 200, JSON.stringify(proxied));
    // nginx names the request ($request_id, 32 hex digits); the instance took that name
    assert.match(proxied.requestId ?? '', /^[0-9a-f]{32}$/);
    assert.deepEqual(await loginRecordIp(viaNginx), [CLIENT_ADDRESS]);
    assert.ok(await until(async () => nginxLog('manage_system').some((l) => l.includes(`rid=${proxied.requestId}`)), 5_000));
    assert.ok(
      await until(
        async () =>
          instances.some((i) =>
            accessLines(i.env.LOG_DIR!, 'manage_system').some(
              (l) => l.includes(`[${proxied.requestId}]`) && l.includes(`ip=${CLIENT_ADDRESS} `),
            ),
          ),
        5_000,
      ),
      'the instance logged the request under nginx’s id and the client’s address',
    );

    const aroundUa = `ua-around-${randomBytes(4).toString('hex')}`;
    const around = await login(
      'admin',
      {
        localAddress: AROUND_ADDRESS,
        headers: { 'user-agent': aroundUa, 'x-request-id': 'forged-around', 'x-forwarded-for': '203.0.113.9' },
      },
      instances[0]!.svc.port,
    );
    assert.equal(around.status, 200, JSON.stringify(around));
    assert.match(around.requestId ?? '', /^[0-9a-f-]{36}$/, 'a fresh id, not the one the peer sent');
    assert.deepEqual(await loginRecordIp(aroundUa), [AROUND_ADDRESS]);
  });

  it('fails, repeats and loses nothing while every instance is restarted in turn behind it', async () => {
    const run = randomBytes(3).toString('hex');
    const admin = await login('admin', { localAddress: CLIENT_ADDRESS });
    assert.equal(admin.status, 200);
    const adminAuth = { authorization: `Bearer ${admin.body!.data!.token as string}` };
    const create = async (username: string, role: string) => {
      const res = await send(managePort, 'POST', '/v1/accounts', {
        localAddress: CLIENT_ADDRESS,
        headers: adminAuth,
        body: { username, password: PASSWORD, role },
      });
      assert.equal(res.status, 201, JSON.stringify(res));
      return username;
    };
    const tokenOf = async (username: string) => {
      const res = await login(username, { localAddress: CLIENT_ADDRESS });
      assert.equal(res.status, 200, JSON.stringify(res));
      return res.body!.data!.token as string;
    };
    const loopUsers = await Promise.all(Array.from({ length: HTTP_CLIENTS }, (_, i) => create(`tp${run}u${i}`, 'viewer')));
    const operatorToken = await tokenOf(await create(`tp${run}op`, 'operator'));
    const viewerToken = await tokenOf(await create(`tp${run}vw`, 'viewer'));

    // -- HTTP: closed loops that know only nginx; reads, and two writes a resend would show twice
    const shots: Shot[] = [];
    let running = true;
    const httpLoop = async (i: number) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const opts = { agent, localAddress: CLIENT_ADDRESS };
      try {
        for (let n = 0; running; n++) {
          const username = `tp${run}c${i}n${n}`;
          const userAgent = `ua-${run}-${i}-${n}`;
          const steps: (() => Promise<Shot>)[] = [
            () => send(managePort, 'GET', '/v1/auth/me', { ...opts, headers: adminAuth }),
            () => send(managePort, 'GET', '/v1/accounts?page=1&page_size=5', { ...opts, headers: adminAuth }),
            async () => ({
              ...(await send(managePort, 'POST', '/v1/accounts', {
                ...opts,
                headers: adminAuth,
                body: { username, password: PASSWORD, role: 'viewer' },
              })),
              mark: username,
            }),
            async () => ({ ...(await login(loopUsers[i]!, { ...opts, headers: { 'user-agent': userAgent } })), mark: userAgent }),
            () => send(managePort, 'GET', '/health', opts),
          ];
          for (const step of steps) shots.push(await step());
        }
      } finally {
        agent.destroy();
      }
    };

    // -- guidance: an operator sends, two viewers watch, all through nginx
    const room = `topology-${run}`;
    const make = (token: string) =>
      new GuidanceClient({
        url: `ws://127.0.0.1:${guidePort}/v1/guide`,
        token,
        WebSocket: WsWebSocket as never,
        backoff: { initialMs: 50, maxMs: 400 },
        ackDelayMs: 50,
      });
    const viewers = [new ClientLog(make(viewerToken)), new ClientLog(make(viewerToken))];
    const operator = new ClientLog(make(operatorToken));
    for (const v of viewers) await v.client.join(room);
    /** The exit of the instance being stopped: after it, nothing it took can still be stored. */
    let stopping: Promise<unknown> = Promise.resolve();
    const sent: string[] = [];
    /** Sends whose socket closed before the reply: found stored, or not stored and sent again. */
    const cutOff = { stored: 0, resent: 0 };
    const storedCount = async (body: string) => {
      const [rows] = await db.query('SELECT COUNT(*) AS n FROM gui_records_message WHERE room = ? AND body = ?', [
        room,
        JSON.stringify(body),
      ]);
      return Number((rows as { n: number }[])[0]!.n);
    };
    /** Sends `body` exactly once: a send cut off before its reply is resent only if it was not stored. */
    const sendOnce = async (body: string) => {
      for (;;) {
        try {
          await operator.client.send(room, body);
          break;
        } catch (err) {
          if ((err as GuidanceError).code !== 'disconnected') throw err;
          await stopping;
          const stored = (await storedCount(body)) > 0;
          cutOff[stored ? 'stored' : 'resent']++;
          if (stored) break;
        }
      }
      sent.push(body);
    };
    const guideLoop = async () => {
      for (let n = 0; running; n++) await sendOnce(`m${n}`);
    };

    const loops = [...Array.from({ length: HTTP_CLIENTS }, (_, i) => httpLoop(i)), guideLoop()];
    const restarts: { name: string; stopMs: number; ms: number }[] = [];
    try {
      // traffic flows before the first stop, and again after each restart
      const flowing = async () => {
        const shotsBefore = shots.length;
        const sentBefore = sent.length;
        assert.ok(
          await until(async () => shots.length >= shotsBefore + 20 && sent.length >= sentBefore + 10, 30_000, 20),
          'traffic goes on',
        );
      };
      await flowing();
      for (const instance of instances) {
        const began = performance.now();
        const exit = instance.svc.stop('SIGTERM');
        stopping = exit;
        assert.equal(await exit, 0, instance.svc.output());
        const exited = performance.now();
        instance.svc = await startService(instance.launcher, instance.env, 60_000);
        const ready = await until(async () => (await send(instance.svc.port, 'GET', '/ready')).status === 200, 30_000, 20);
        assert.ok(ready, `${instance.name} ready again`);
        restarts.push({ name: instance.name, stopMs: Math.round(exited - began), ms: Math.round(performance.now() - began) });
        await flowing();
      }
    } finally {
      running = false;
      await Promise.all(loops);
    }

    try {
      // -- HTTP: every request answered, each write done once
      const failed = shots.filter((s) => s.status === undefined || s.status >= 300);
      assert.deepEqual(
        failed.slice(0, 5).map((s) => `${s.method} ${s.path}: ${s.status ?? s.error} ${JSON.stringify(s.body ?? '')}`),
        [],
        `${failed.length} of ${shots.length} requests failed`,
      );
      const created = shots.filter((s) => s.path === '/v1/accounts' && s.method === 'POST').map((s) => s.mark!);
      const [accountRows] = await db.query('SELECT username FROM sys_account WHERE username LIKE ?', [`tp${run}c%`]);
      assert.deepEqual((accountRows as { username: string }[]).map((r) => r.username).sort(), [...created].sort());
      const logins = shots.filter((s) => s.path === '/v1/auth/login').map((s) => s.mark!);
      const [loginRows] = await db.query(
        'SELECT user_agent, COUNT(*) AS n, MIN(ip) AS ip, MAX(ip) AS ip2 FROM sys_records_login WHERE user_agent LIKE ? GROUP BY user_agent',
        [`ua-${run}-%`],
      );
      const recorded = loginRows as { user_agent: string; n: number; ip: string; ip2: string }[];
      assert.deepEqual(recorded.map((r) => r.user_agent).sort(), [...logins].sort(), 'one login record per login sent');
      assert.deepEqual(
        recorded.filter((r) => Number(r.n) !== 1 || r.ip !== CLIENT_ADDRESS || r.ip2 !== CLIENT_ADDRESS),
        [],
        'each login recorded once, with the client’s address',
      );

      // -- guidance: each message stored once, delivered once and in order to each viewer
      const [messageRows] = await db.query('SELECT seq, body FROM gui_records_message WHERE room = ? ORDER BY seq', [room]);
      const stored = (messageRows as { seq: number; body: string }[]).map((r) => ({
        seq: r.seq,
        body: JSON.parse(r.body) as string,
      }));
      assert.deepEqual(
        stored.map((m) => m.body),
        sent,
        'stored rows = messages sent, once each, in order',
      );
      const last = stored[stored.length - 1]!.seq;
      for (const v of viewers) {
        await v.reached(room, last, 20_000);
        assert.deepEqual(
          v.messages.filter((m) => m.room === room).map((m) => [m.seq, m.body]),
          stored.map((m) => [m.seq, m.body]),
          'delivered = stored: 0 lost, 0 duplicated, in order',
        );
        assert.deepEqual(v.errors, []);
      }
      // the gateway answers every send it took before its 1001, so a cut-off send was never stored
      assert.equal(cutOff.stored, 0, 'sends stored whose reply never came');
      const reconnects = viewers.map((v) => v.opens - 1);
      assert.ok(
        reconnects.every((n) => n >= 1),
        `each viewer moved to another gateway at least once (reconnects ${reconnects})`,
      );

      // -- what nginx saw
      const manageLog = nginxLog('manage_system');
      const guideLog = nginxLog('guidance_ws');
      const retried = (log: string[]) => log.filter((l) => /upstream="[^"]*, /.test(l));
      const status5xx = [...manageLog, ...guideLog].filter((l) => /" 5\d\d rid=/.test(l));
      assert.deepEqual(status5xx, [], 'nginx answered no 5xx');
      const figures = {
        http_requests: shots.length,
        http_failed: failed.length,
        http_posts: created.length + logins.length,
        nginx_lines: manageLog.length + guideLog.length,
        nginx_moved_on: retried(manageLog).length + retried(guideLog).length,
        nginx_moved_on_posts: retried(manageLog).filter((l) => l.includes('"POST ')).length,
        messages_sent: sent.length,
        messages_stored: stored.length,
        messages_delivered_per_viewer: viewers.map((v) => v.messages.filter((m) => m.room === room).length),
        sends_cut_off_before_reply: cutOff,
        viewer_reconnects: reconnects,
        restart_ms: restarts.map((r) => `${r.name} ${r.ms} (stop ${r.stopMs})`),
      };
      console.log(`      figures: ${JSON.stringify(figures)}`);
    } finally {
      for (const c of [...viewers, operator]) c.client.close();
    }
  });
});
