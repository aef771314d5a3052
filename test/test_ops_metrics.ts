import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { Hono } from 'hono';
import type { BaseConf } from '../common/libs/base_conf.js';
import { metricsAccess } from '../common/libs/metrics_access.js';
import { mountMetrics } from '../common/libs/metrics_route.js';
import type { MultLogger } from '../common/libs/mult_logger.js';
import { notFound, onError } from '../common/libs/on_error.js';
import { StaCode } from '../common/libs/sta_code.js';
import { type Backend, needServices, openBackend, tempDir } from './helper/backends.js';
import { describeGuidance, uniqueRoom } from './helper/guidance_suite.js';
import { type PromSample, parseProm, promValue } from './helper/prom_text.js';
import { watchSecret } from './helper/secret_watch.js';
import { type ServiceProcess, startService } from './helper/service_process.js';
import { until } from './helper/wait.js';

const TOKEN = `metrics-${randomBytes(12).toString('hex')}`;
const BEARER = { authorization: `Bearer ${TOKEN}` };
/** The gateways allow this range instead of a token, and believe X-Forwarded-For from the test (127.0.0.1). */
const ALLOWED = { 'x-forwarded-for': '10.9.9.9' };

async function scrape(svc: ServiceProcess, headers: Record<string, string> = BEARER): Promise<PromSample[]> {
  const res = await fetch(`${svc.url}/metrics`, { headers });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseProm(text);
}

/** The change of every named series between two scrapes. */
function delta(before: PromSample[], after: PromSample[]) {
  return (name: string, labels: Record<string, string> = {}) => promValue(after, name, labels) - promValue(before, name, labels);
}

describe('/metrics access', () => {
  const app = (conf: Partial<BaseConf>) => {
    const hono = new Hono();
    mountMetrics(hono, { METRICS_TOKEN: '', METRICS_ALLOW: [], ...conf } as BaseConf);
    hono.notFound(notFound);
    hono.onError(onError({ failed() {} } as unknown as MultLogger));
    return hono;
  };

  it('answers 404 in the envelope while neither METRICS_TOKEN nor METRICS_ALLOW is set', async () => {
    const res = await app({}).request('/metrics', { headers: { authorization: 'Bearer anything-at-all' } });
    assert.equal(res.status, 404);
    const body = (await res.json()) as { code: number; msg: string };
    assert.equal(body.code, StaCode.NOT_FOUND.code);
    assert.equal(body.msg, 'no route for GET /metrics');
  });

  it('lets an allowed address or the right bearer through, and says why it refuses the rest', () => {
    const both = metricsAccess({ token: TOKEN, allow: ['10.0.0.0/8', '::1'] });
    assert.equal(both(undefined, '10.1.2.3'), undefined);
    assert.equal(both(undefined, '::1'), undefined);
    assert.equal(both(`Bearer ${TOKEN}`, '192.0.2.1'), undefined);
    assert.equal(both(`Bearer ${TOKEN}x`, '192.0.2.1'), StaCode.NOT_AUTHENTICATED);
    assert.equal(both(TOKEN, '192.0.2.1'), StaCode.NOT_AUTHENTICATED);
    const allowOnly = metricsAccess({ token: '', allow: ['10.0.0.0/8'] });
    assert.equal(allowOnly(`Bearer ${TOKEN}`, '192.0.2.1'), StaCode.FORBIDDEN);
    assert.equal(allowOnly(undefined, ''), StaCode.FORBIDDEN);
    assert.throws(() => metricsAccess({ token: '', allow: ['10.0.0.300'] }), /METRICS_ALLOW: "10.0.0.300"/);
  });
});

describeGuidance(
  '/metrics',
  (ctx) => {
    before(() => watchSecret(TOKEN));

    it('counts each HTTP answer by route template, method and status, with its duration', async () => {
      const before = await scrape(ctx.manage);
      const admin = { token: ctx.adminToken };
      for (let i = 0; i < 3; i++) assert.equal((await ctx.call('GET', '/health')).status, 200);
      for (let i = 0; i < 2; i++) assert.equal((await ctx.call('GET', '/v1/auth/me', admin)).status, 200);
      assert.equal((await ctx.call('GET', '/v1/auth/me')).status, 401);
      assert.equal((await ctx.call('PUT', '/v1/auth/me', admin)).status, 405);
      assert.equal((await ctx.call('GET', '/v1/accounts/987654321', admin)).status, 404);
      for (let i = 0; i < 2; i++) assert.equal((await ctx.call('GET', `/no-such-${randomBytes(4).toString('hex')}`)).status, 404);
      const after = await scrape(ctx.manage);
      const d = delta(before, after);
      const requests = (route: string, method: string, status: string) => d('http_requests_total', { route, method, status });
      assert.equal(requests('/health', 'GET', '200'), 3);
      assert.equal(requests('/v1/auth/me', 'GET', '200'), 2);
      assert.equal(requests('/v1/auth/me', 'GET', '401'), 1);
      assert.equal(requests('/v1/auth/me', 'PUT', '405'), 1);
      assert.equal(requests('/v1/accounts/:id', 'GET', '404'), 1);
      assert.equal(requests('unmatched', 'GET', '404'), 2, 'unknown paths share one label');
      assert.equal(requests('/metrics', 'GET', '200'), 1, 'the first scrape');
      const me = { route: '/v1/auth/me', method: 'GET' };
      assert.equal(d('http_request_duration_seconds_count', me), 3);
      assert.equal(d('http_request_duration_seconds_bucket', { ...me, le: '+Inf' }), 3);
      assert.ok(d('http_request_duration_seconds_sum', me) > 0);
      assert.ok(!after.some((s) => s.labels.route?.startsWith('/no-such-')));
      assert.ok(promValue(after, 'process_cpu_seconds_total') > 0, 'the default process metrics');
    });

    it('refuses a scrape without the token or with a wrong one (401), and from an address not allowed (403)', async () => {
      const tokens: Record<string, string>[] = [{}, { authorization: `Bearer ${TOKEN}-wrong` }, { authorization: TOKEN }];
      for (const headers of tokens) {
        const res = await fetch(`${ctx.manage.url}/metrics`, { headers });
        assert.equal(res.status, 401);
        assert.equal(res.headers.get('www-authenticate'), 'Bearer');
        assert.equal(((await res.json()) as { code: number }).code, StaCode.NOT_AUTHENTICATED.code);
      }
      const gateway = ctx.gateways[0]!;
      const notAllowed: Record<string, string>[] = [{}, { 'x-forwarded-for': '10.9.8.1' }, BEARER];
      for (const headers of notAllowed) {
        const res = await fetch(`${gateway.url}/metrics`, { headers });
        assert.equal(res.status, 403);
        assert.equal(((await res.json()) as { code: number }).code, StaCode.FORBIDDEN.code);
      }
      assert.ok((await scrape(gateway, ALLOWED)).length > 0);
    });

    it('counts WebSocket connections, frames in and out, closes by code and the messages stored', async () => {
      const gateway = ctx.gateways[0]!;
      const before = await scrape(gateway, ALLOWED);
      const room = uniqueRoom();
      const viewer = await ctx.connect();
      const operator = await ctx.connect({ token: ctx.operatorToken });
      assert.equal((await viewer.request('join', { room, since: 0 })).code, 0);
      const sends = 5;
      let last = 0;
      for (let i = 0; i < sends; i++) last = (await operator.request('send', { room, body: `step ${i}` })).data.seq;
      operator.sendRaw('not json');
      await operator.waitFor((f) => f.code === StaCode.BAD_REQUEST.code || f.code === StaCode.BAD_ARGUMENT.code);
      await viewer.waitForSeq(room, last);
      const framesIn = 1 + sends + 1;
      const framesOut = viewer.frames.length + operator.frames.length;
      viewer.ws.close(4000, 'done');
      operator.ws.close(1000);
      await Promise.all([viewer.waitClosed(), operator.waitClosed()]);
      const open = promValue(before, 'gatehouse_ws_connections');
      let after: PromSample[] = [];
      const settled = await until(async () => {
        after = await scrape(gateway, ALLOWED);
        return promValue(after, 'gatehouse_ws_connections') === open;
      }, 5000);
      assert.ok(settled, 'the gateway saw both sockets close');
      const d = delta(before, after);
      assert.equal(d('gatehouse_ws_connections_total'), 2);
      assert.equal(d('gatehouse_ws_frames_received_total'), framesIn);
      assert.equal(d('gatehouse_ws_frames_sent_total'), framesOut);
      assert.equal(d('gatehouse_ws_closes_total', { code: '4000' }), 1);
      assert.equal(d('gatehouse_ws_closes_total', { code: '1000' }), 1);
      assert.equal(d('gatehouse_guidance_messages_stored_total'), sends);
      const batches = d('gatehouse_guidance_store_duration_seconds_count');
      assert.ok(batches >= 1 && batches <= sends, `${batches} store batches for ${sends} messages`);
      assert.equal(d('http_requests_total', { route: '/v1/guide', method: 'GET', status: '101' }), 2, 'the two upgrades');
    });

    it('counts the runs of a scheduled script by job', async () => {
      const finished = () => ctx.manage.output().split('script expire_sessions finished').length - 1;
      const failed = () => ctx.manage.output().split('script expire_sessions failed').length - 1;
      assert.ok(await until(async () => finished() >= 1, 5000), 'the every-second job ran');
      const linesBefore = finished() + failed();
      const samples = await scrape(ctx.manage);
      const runs = promValue(samples, 'gatehouse_cron_runs_total', { job: 'expire_sessions' });
      const failures = promValue(samples, 'gatehouse_cron_failures_total', { job: 'expire_sessions' });
      assert.ok(runs >= linesBefore, `${runs} runs counted, ${linesBefore} logged before the scrape`);
      // a run is logged before it is counted: wait for the lines of the runs the scrape saw
      assert.ok(await until(async () => finished() + failed() >= runs, 5000), `${runs} runs counted, fewer logged`);
      assert.ok(failures <= failed(), `${failures} failures counted, ${failed()} logged`);
    });
  },
  {
    manageEnv: { METRICS_TOKEN: TOKEN, EXPIRE_SESSIONS_CRON: '* * * * * *' },
    env: { METRICS_ALLOW: '10.9.9.0/24', TRUSTED_PROXIES: '127.0.0.1' },
  },
);

/** The pid of the worker that holds each server-side socket whose peer is one of `clientPorts` (from /proc). */
function socketOwners(serverPort: number, clientPorts: number[], pids: number[]): number[] {
  const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');
  const inodeOf = new Map<string, string>();
  for (const line of fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length > 9 && cols[1]!.endsWith(`:${hex(serverPort)}`)) inodeOf.set(cols[2]!.split(':')[1]!, cols[9]!);
  }
  const ownerOf = new Map<string, number>();
  for (const pid of pids) {
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      const target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`, { encoding: 'utf8' });
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) ownerOf.set(inode, pid);
    }
  }
  return clientPorts.map((port) => ownerOf.get(inodeOf.get(hex(port)) ?? '') ?? 0);
}

/** `count` GET requests of `path` on one kept-alive connection; resolves with its local port. */
async function onOneConnection(port: number, path: string, count: number): Promise<{ port: number; agent: http.Agent }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let localPort = 0;
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path, agent }, (res) => {
          localPort = res.socket.localPort ?? 0;
          assert.equal(res.statusCode, 404);
          res.resume();
          res.once('end', resolve);
        })
        .once('error', reject);
    });
  }
  return { port: localPort, agent };
}

describe('/metrics with RUN_WORKER=2 [mysql]', function () {
  this.timeout(90_000);
  let backend: Backend;
  let svc: ServiceProcess;
  const logDir = tempDir('metrics-workers');

  before(async function () {
    await needServices(this);
    backend = await openBackend('mysql');
    const env = { ...backend.env, LOG_DIR: logDir, ADMIN_PASSWORD: `pw-${randomBytes(6).toString('hex')}`, RUN_WORKER: '2' };
    svc = await startService('http_manage_system.ts', { ...env, METRICS_TOKEN: TOKEN }, 60_000);
    assert.ok(await until(async () => svc.output().includes('2 workers ready'), 30_000), svc.output());
  });
  after(async () => {
    const code = await svc?.stop();
    await backend?.teardown();
    fs.rmSync(logDir, { recursive: true, force: true });
    assert.equal(code, 0, svc?.output());
  });

  it('answers one scrape for every worker: counters and histograms summed, gauges by their meaning', async () => {
    const pids = [...svc.output().matchAll(/worker \d+ started \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    assert.equal(pids.length, 2);
    const perConnection = 5;
    const connections = await Promise.all(
      Array.from({ length: 6 }, (_, i) => onOneConnection(svc.port, `/no-such-${i}`, perConnection)),
    );
    const owners = socketOwners(
      svc.port,
      connections.map((c) => c.port),
      pids,
    );
    for (const c of connections) c.agent.destroy();
    const perWorker = pids.map((pid) => owners.filter((owner) => owner === pid).length * perConnection);
    assert.ok(
      perWorker.every((n) => n > 0),
      `requests per worker ${perWorker.join(', ')}: both workers must have served some`,
    );
    const total = connections.length * perConnection;
    assert.equal(
      perWorker.reduce((a, b) => a + b, 0),
      total,
    );
    // new connections: the primary hands them to the workers in turn, so each worker answers one scrape
    for (let i = 0; i < 2; i++) {
      const samples = await scrape(svc);
      const unmatched = { route: 'unmatched', method: 'GET' };
      assert.equal(promValue(samples, 'http_requests_total', { ...unmatched, status: '404' }), total);
      assert.equal(promValue(samples, 'http_request_duration_seconds_count', unmatched), total);
      assert.equal(promValue(samples, 'gatehouse_redis_up', { server: new URL(backend.env.REDIS_URL!).host }), 1);
      assert.equal(promValue(samples, 'gatehouse_db_up', { db: 'default' }), 1);
      assert.ok(samples.some((s) => s.name === 'gatehouse_db_pool_connections_in_use' && s.labels.db === 'default'));
    }
  });
});
