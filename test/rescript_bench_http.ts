/**
 * HTTP benchmark: server CPU per request and requests/s of gatehouse against what a team would
 * run instead, for three endpoints, plus the cost of RUN_WORKER=2.
 *
 * Rows, each a server in its own process run by this script's `process.execPath`:
 *  - GET /health: raw node:http; bare Hono (same envelope and data); Hono + own middleware
 *    (hono/request-id, hono/logger to a file, hono/secure-headers, hono/body-limit); gatehouse.
 *  - GET /v1/auth/me with an admin bearer token: bare Hono (2 Redis GETs on one node-redis
 *    client, 2 JSON.parse, keys seeded with the JSON gatehouse caches); Hono + own middleware
 *    (the same, keyed by the token's sha256); gatehouse.
 *  - POST /v1/echo, a JSON body checked against one schema: raw node:http (no check); bare Hono
 *    + ajv; gatehouse (test/bench/gatehouse_echo.ts: one view behind the real HTTP app).
 *  - RUN_WORKER=2 vs RUN_WORKER=1, /health and /me, each beside a floor that does the same work
 *    with no host, one process vs node:cluster with 2 workers: raw node:http's /health, bare
 *    Hono's /me (what a second process on the same core costs without gatehouse).
 * gatehouse rows run the real launcher (http_manage_system.ts) on a fresh MariaDB database
 * (TEST_MYSQL_URL) and a private redis-server, with the systemd units' defaults: NODE_ENV=production,
 * LOG_STDOUT=true (its default; stdout is a pipe this script drains, as journald would), access
 * log on, one worker. The peers share that redis-server. Servers are checked to answer the same
 * `data` before any load.
 *
 * How: load from `wrk -t1 -c<connections> -d<seconds>s` in its own process (a Lua script sets
 * method, headers, body and prints exact totals), or autocannon's CLI in a child process when wrk
 * is missing (or BENCH_LOAD=autocannon). Server CPU µs per request = utime + stime delta over the server's whole process
 * tree (every /proc/<pid>/stat descending from the server's pid: workers included) ÷ responses
 * wrk counted. Each round measures every row once (warm-up first; the rows of an endpoint rotate
 * their order each round); the tables give medians over the rounds. A row with errors (status >= 400,
 * socket errors, timeouts) gets no ratio.
 *
 *   npm run bench:http -- [--rounds 5] [--seconds 5] [--connections 50] [--only health,me,post,workers] [--no-pin]
 * With 2+ CPUs the servers run pinned to the last CPU and wrk with this script on the others
 * (`taskset`, test/bench/cpu_pinning.ts): unpinned, rows swing by a third between runs on a
 * 2-core machine. `--no-pin` leaves placement to the scheduler.
 * Node 24 vs Node 20: the servers run under the Node that runs this script, e.g.
 *   PATH=/path/to/node24/bin:$PATH npm run bench:http
 *   /usr/bin/node --import tsx test/rescript_bench_http.ts      (Node 20)
 * Figures depend on the machine and on what else runs on it; compare rows of one run only.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { defineCli, readCommandLine, refuse } from '../common/libs/cli_usage.js';
import { pinCpus, pinning } from './bench/cpu_pinning.js';
import { ECHO_BODY } from './bench/echo_schema.js';
import { loadTool } from './bench/load_gen.js';
import { measure } from './bench/measure.js';
import { login, seedPeerSession } from './bench/peer_seed.js';
import { processTree } from './bench/proc_cpu.js';
import { printReport } from './bench/report.js';
import { BARE, BARE_ME, ENDPOINTS, type Endpoint, GATEHOUSE, MW, RAW, RAW_HEALTH, type Row, roundOrder } from './bench/rows.js';
import { checkSameAnswers } from './bench/same_answers.js';
import { type BenchServer, startServer } from './bench/server_process.js';
import { openBackend, servicesMissing, tempDir } from './helper/backends.js';

const CLI = defineCli({
  name: 'bench:http',
  summary: 'server CPU per request and requests/s of gatehouse beside bare Hono and Hono + own middleware',
  usage: ['npm run bench:http -- [--rounds 5] [--seconds 5] [--connections 50] [--only health,me,post,workers] [--no-pin]'],
  options: {
    rounds: { type: 'string', default: '5', arg: 'n', help: 'alternating rounds; the tables give medians over them' },
    seconds: { type: 'string', default: '5', arg: 's', help: 'load per measurement, in seconds' },
    connections: { type: 'string', default: '50', arg: 'n', help: 'open connections of the load generator' },
    only: { type: 'string', default: ENDPOINTS.join(','), arg: 'list', help: `endpoints to measure (${ENDPOINTS.join(', ')})` },
    'no-pin': {
      type: 'boolean',
      default: false,
      help: 'leave CPU placement to the scheduler (servers and load share the cores)',
    },
  },
  examples: ['npm run bench:http -- --rounds 3 --only health,me'],
  notes: 'Needs MariaDB (TEST_MYSQL_URL) and redis-server; load from wrk when installed, else autocannon.',
});
const { values } = readCommandLine(CLI);
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const only = values.only.split(',').map((s) => s.trim()) as Endpoint[];
for (const e of only) if (!ENDPOINTS.includes(e)) refuse(CLI, `--only: unknown ${e} (known: ${ENDPOINTS.join(', ')})`);
if (!(rounds >= 1 && seconds >= 1 && connections >= 1)) refuse(CLI, '--rounds, --seconds and --connections must be >= 1');
const cores = os.availableParallelism(); // before pinning narrows this process to the load CPUs
const pinned = !values['no-pin'] && pinCpus();
const wants = (...endpoints: Endpoint[]) => endpoints.some((e) => only.includes(e));
const say = (line: string) => process.stderr.write(`${line}\n`);

const missing = await servicesMissing();
if (missing) throw new Error(`the gatehouse rows run on MariaDB + Redis: ${missing}`);
const servers: BenchServer[] = [];
const dirs = [tempDir('bench')];
const backend = await openBackend('mysql');
const cleanup = async () => {
  for (const s of servers) await s.stop().catch(() => {});
  await backend.teardown().catch(() => {});
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
};
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

try {
  const redisUrl = backend.env.REDIS_URL!;
  const logDir = () => {
    const dir = tempDir('bench-logs');
    dirs.push(dir);
    return dir;
  };
  const start = async (args: string[], env: Record<string, string>, ready?: string) => {
    const server = await startServer(args, env);
    servers.push(server);
    if (ready) await server.waitFor(ready);
    return server;
  };
  const launcherEnv = (workers: number) => ({
    ...backend.env,
    LOG_DIR: logDir(),
    ADMIN_PASSWORD: 'bench-password',
    NODE_ENV: 'production',
    LOG_STDOUT: 'true',
    RUN_WORKER: String(workers),
  });

  say('starting servers...');
  const gatehouse = wants('health', 'me', 'workers')
    ? await start(['http_manage_system.ts'], launcherEnv(1), 'listening on')
    : undefined;
  const token = gatehouse ? await login(gatehouse.url, 'admin', 'bench-password') : '';
  const seeded = gatehouse && wants('me', 'workers') ? await seedPeerSession(redisUrl, gatehouse.url, token) : undefined;
  const healthData = gatehouse ? ((await (await fetch(`${gatehouse.url}/health`)).json()) as { data: unknown }).data : {};
  const peerEnv = { BENCH_REDIS_URL: redisUrl, BENCH_HEALTH_DATA: JSON.stringify(healthData), NODE_ENV: 'production' };
  const target = (kind: string) => start(['test/bench/targets.ts', kind], { ...peerEnv, LOG_DIR: logDir() });
  const raw = wants('health', 'post', 'workers') ? await target('raw') : undefined;
  const rawCluster = wants('workers') ? await target('raw-cluster') : undefined;
  const hono = wants('health', 'me', 'post', 'workers') ? await target('hono') : undefined;
  const honoCluster = wants('workers') ? await target('hono-cluster') : undefined;
  const honoMw = wants('health', 'me') ? await target('hono-mw') : undefined;
  const echo = wants('post')
    ? await start(['test/bench/targets.ts', 'gatehouse-echo'], launcherEnv(1), 'listening on')
    : undefined;
  const twoWorkers = wants('workers') ? await start(['http_manage_system.ts'], launcherEnv(2), '2 workers ready') : undefined;

  const rows: Row[] = [];
  const add = (endpoint: Endpoint, name: string, server: BenchServer | undefined, path: string, post = false) => {
    if (!server || !only.includes(endpoint)) return;
    const headers: Record<string, string> = path === '/v1/auth/me' ? { authorization: `Bearer ${token}` } : {};
    if (post) headers['content-type'] = 'application/json';
    const spec = {
      url: `${server.url}${path}`,
      method: post ? 'POST' : 'GET',
      headers,
      body: post ? JSON.stringify(ECHO_BODY) : undefined,
    } as const;
    rows.push({ endpoint, name, server, spec, samples: [] });
  };
  add('health', GATEHOUSE, gatehouse, '/health');
  add('health', RAW, raw, '/health');
  add('health', BARE, hono, '/health');
  add('health', MW, honoMw, '/health');
  add('me', GATEHOUSE, gatehouse, '/v1/auth/me');
  add('me', BARE, hono, '/v1/auth/me');
  add('me', MW, honoMw, '/v1/auth/me');
  add('post', GATEHOUSE, echo, '/v1/echo', true);
  add('post', RAW, raw, '/v1/echo', true);
  add('post', BARE, hono, '/v1/echo', true);
  for (const path of ['/health', '/v1/auth/me']) {
    add('workers', `1 worker  ${path}`, gatehouse, path);
    add('workers', `2 workers ${path}`, twoWorkers, path);
  }
  add('workers', `1 worker  ${RAW_HEALTH}`, raw, '/health');
  add('workers', `2 workers ${RAW_HEALTH}`, rawCluster, '/health');
  add('workers', `1 worker  ${BARE_ME}`, hono, '/v1/auth/me');
  add('workers', `2 workers ${BARE_ME}`, honoCluster, '/v1/auth/me');
  await checkSameAnswers(rows);

  const nodeVersion = execFileSync(process.execPath, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
  const header =
    `servers on Node ${nodeVersion} (${process.execPath}); load: ${loadTool === 'wrk' ? 'wrk -t1' : 'autocannon'} -c${connections}, ${seconds}s per ` +
    `measurement, ${rounds} rounds; ${cores} cores, load average ${os.loadavg()[0]!.toFixed(2)} at start; ` +
    (pinned ? `servers on CPU ${pinning.server}, load and this script on CPU ${pinning.load}; ` : 'not pinned to CPUs; ') +
    `gatehouse on MariaDB + private Redis${seeded ? `; peer session JSON ${seeded}` : ''}` +
    (twoWorkers ? `; the RUN_WORKER=2 launcher runs as ${processTree(twoWorkers.pid).length} processes` : '');
  say(header);
  const opts = { seconds, warmSeconds: Math.min(2, seconds), connections, dir: dirs[0]! };
  for (let round = 0; round < rounds; round++) {
    for (const endpoint of only) {
      for (const row of roundOrder(
        rows.filter((r) => r.endpoint === endpoint),
        round,
      )) {
        const sample = await measure(row.server.pid, row.spec, opts).catch((err: Error) => {
          throw new Error(`${endpoint} ${row.name}: ${err.message}\nits output ends:\n${row.server.output().slice(-3000)}`);
        });
        row.samples.push(sample);
        say(
          `round ${round + 1}/${rounds} ${endpoint.padEnd(7)} ${row.name.padEnd(24)} ${sample.rps.toFixed(0).padStart(7)} req/s ` +
            `${sample.cpuPerRequest.toFixed(1).padStart(7)} CPU µs/req${sample.errors ? `  ${sample.errors} errors` : ''}`,
        );
      }
    }
  }
  console.log(`\n${header}`);
  printReport(rows, only);
} finally {
  await cleanup();
}
