/**
 * HTTP benchmark: raw node:http, bare Hono and gatehouse in one run, each server in its own
 * process, autocannon in this one. Prints requests/s, p99 and ratios to (a) and (b).
 *
 *   npm run bench:http -- [--duration 10] [--connections 50]
 * With TEST_MYSQL_URL reachable the gatehouse launcher runs on MariaDB, else SQLite; Redis is
 * a private redis-server on a free port. Last, the same launcher with RUN_WORKER=2 against
 * RUN_WORKER=1, measured back to back (autocannon shares the machine's cores with them).
 * Besides requests/s it prints the server's CPU time per request (from /proc), which holds
 * steady when other work on the machine makes requests/s jump around.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { type Backend, openBackend, servicesMissing, tempDir } from './helper/backends.js';
import { freePort, waitForPort } from './helper/ports.js';
import { RedisServer } from './helper/redis_server.js';
import { startService } from './helper/service_process.js';

const { values } = parseArgs({
  options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' } },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const children: ChildProcess[] = [];

/** User + system CPU time of a process so far, in microseconds; undefined off Linux. */
function cpuMicros(pid: number | undefined): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * (1_000_000 / 100);
  } catch {
    return undefined;
  }
}

interface Target {
  url: string;
  pid: number | undefined;
}

async function target(kind: string, env: Record<string, string> = {}): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/targets.ts', kind, String(port)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  await waitForPort(port);
  return { url: `http://127.0.0.1:${port}`, pid: child.pid };
}

interface Row {
  name: string;
  rps: number;
  p99: number;
  errors: number;
  /** Server CPU microseconds per request. */
  cpu: number | undefined;
}

async function measure(name: string, url: string, pid: number | undefined, opts: Partial<autocannon.Options> = {}): Promise<Row> {
  await autocannon({ url, connections, duration: 2, ...opts }); // warm-up (JIT, pools)
  const before = cpuMicros(pid);
  const r = await autocannon({ url, connections, duration, ...opts });
  const after = cpuMicros(pid);
  const cpu = before !== undefined && after !== undefined ? (after - before) / r.requests.total : undefined;
  return { name, rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx, cpu };
}

const post = (body: unknown): Partial<autocannon.Options> => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const echoBody = { name: 'bench', count: 3, tags: ['a', 'b'] };
const logDir = tempDir('bench');
let backend: Backend | undefined;
const redis = await new RedisServer().start();
try {
  const onMysql = !(await servicesMissing());
  backend = await openBackend(onMysql ? 'mysql' : 'sqlite');
  const env = { ...backend.env, REDIS_URL: redis.url, LOG_DIR: logDir, ADMIN_PASSWORD: 'bench-password' };
  const gatehouse = await startService('http_manage_system.ts', env);
  children.push(gatehouse.proc);
  const login = await fetch(`${gatehouse.url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'bench-password' }),
  });
  const token = ((await login.json()) as { data: { token: string } }).data.token;
  const raw = await target('raw');
  const hono = await target('hono');
  const echo = await target('gatehouse-echo', { LOG_DIR: logDir });
  const twoWorkers = await startService('http_manage_system.ts', { ...env, RUN_WORKER: '2' });
  children.push(twoWorkers.proc);
  while (!twoWorkers.output().includes('2 workers ready')) await new Promise((r) => setTimeout(r, 100));

  const rows: Row[] = [];
  const gh = gatehouse.proc.pid;
  rows.push(await measure('(a) raw node:http GET', `${raw.url}/health`, raw.pid));
  rows.push(await measure('(b) bare Hono GET', `${hono.url}/health`, hono.pid));
  rows.push(await measure('(c) gatehouse GET /health', `${gatehouse.url}/health`, gh));
  rows.push(
    await measure('(d) gatehouse GET /v1/auth/me', `${gatehouse.url}/v1/auth/me`, gh, {
      headers: { authorization: `Bearer ${token}` },
    }),
  );
  rows.push(await measure('(a) raw node:http POST json', raw.url, raw.pid, post(echoBody)));
  rows.push(await measure('(b) bare Hono POST json', `${hono.url}/echo`, hono.pid, post(echoBody)));
  rows.push(await measure('(e) gatehouse validated POST', `${echo.url}/v1/echo`, echo.pid, post(echoBody)));

  const [rawGet, honoGet, , , rawPost, honoPost] = rows;
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(`\n${duration}s per target, ${connections} connections, database ${backend.name}, Redis ${redis.url}`);
  console.log(
    `${'target'.padEnd(32)}${pad('req/s', 10)}${pad('p99 ms', 8)}${pad('errors', 8)}${pad('vs (a)', 8)}${pad('vs (b)', 8)}` +
      `${pad('CPU µs/req', 12)}${pad('(b)/cpu', 9)}`,
  );
  rows.forEach((row, i) => {
    const a = i < 4 ? rawGet! : rawPost!;
    const b = i < 4 ? honoGet! : honoPost!;
    console.log(
      `${row.name.padEnd(32)}${pad(Math.round(row.rps), 10)}${pad(row.p99, 8)}${pad(row.errors, 8)}` +
        `${pad((row.rps / a.rps).toFixed(2), 8)}${pad((row.rps / b.rps).toFixed(2), 8)}` +
        `${pad(row.cpu?.toFixed(1) ?? '-', 12)}${pad(row.cpu && b.cpu ? (b.cpu / row.cpu).toFixed(2) : '-', 9)}`,
    );
  });

  console.log(`\nRUN_WORKER=2 vs RUN_WORKER=1 (gatehouse launcher; ${os.availableParallelism()} cores)`);
  const me = { headers: { authorization: `Bearer ${token}` } };
  for (const [label, path, opts] of [
    ['GET /health', '/health', {}],
    ['GET /v1/auth/me', '/v1/auth/me', me],
  ] as const) {
    const one = await measure(`1 worker  ${label}`, `${gatehouse.url}${path}`, undefined, opts);
    const two = await measure(`2 workers ${label}`, `${twoWorkers.url}${path}`, undefined, opts);
    for (const row of [one, two])
      console.log(`${row.name.padEnd(32)}${pad(Math.round(row.rps), 10)}${pad(row.p99, 8)}${pad(row.errors, 8)}`);
    console.log(`${'  2 workers / 1 worker'.padEnd(32)}${pad((two.rps / one.rps).toFixed(2), 10)}`);
  }
  await gatehouse.stop();
  await twoWorkers.stop();
} finally {
  for (const child of children) child.kill('SIGTERM');
  await redis.kill();
  await backend?.teardown();
}
