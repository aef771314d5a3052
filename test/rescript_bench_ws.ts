/**
 * WebSocket benchmark, one run: a bare `ws` server (test/bench/raw_ws_server.ts) next to
 * guidance_ws (embedded default: SQLite, in-process bus), each in its own process; the
 * clients run in this one.
 *  - throughput: 1,000 clients joined to one room; one operator sends 1,000 messages at once;
 *    delivered messages/s = deliveries / time from the first send to the last delivery.
 *    Five rounds alternating the servers (the box is shared): the best round of each counts;
 *    server CPU per delivery is summed over all rounds.
 *  - memory per idle connection (joined to the room), at 1k and 10k connections, on fresh
 *    servers: RSS and JS heap once forced full GCs stop moving RSS, minus the same after a
 *    warm-up before the clients came. Both servers get the same flags and the same GCs,
 *    through their inspector; no hook in their code.
 * Run: `npm run bench:ws`.
 */
import fs from 'node:fs';
import os from 'node:os';
import { Inspector } from './bench/inspector.js';
import { startWithFlags } from './bench/spawn_node.js';
import { broadcast, closeAll, connectMany } from './bench/ws_clients.js';
import { tempDir } from './helper/backends.js';
import { type ServiceProcess, startService } from './helper/service_process.js';

const CLIENTS = 1000;
const MESSAGES = 1000;
const MANY = Number(process.env.BENCH_MANY ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const say = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Target {
  name: string;
  entry: string;
  env: Record<string, string>;
  url(svc: ServiceProcess): string;
}

interface Footprint {
  rss: number;
  heap: number;
}

/** For the memory phase: a fixed young generation (it would move RSS by megabytes) and an inspector. */
const MEMORY_FLAGS = ['--min-semi-space-size=1', '--max-semi-space-size=1', '--inspect=127.0.0.1:0'];

function cpuSeconds(svc: ServiceProcess): number {
  const fields = fs.readFileSync(`/proc/${svc.proc.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
}

function rssOf(svc: ServiceProcess): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${svc.proc.pid}/status`, 'utf8'))![1]) * 1024;
}

/**
 * RSS and JS heap once forced full collections keep RSS still: three samples in a row within
 * 128 KiB (freed memory goes back to the system a few seconds after a collection).
 */
async function footprint(svc: ServiceProcess, inspector: Inspector): Promise<Footprint> {
  await sleep(8000);
  const samples: number[] = [];
  for (let i = 0; i < 12; i++) {
    await inspector.collectGarbage();
    samples.push(rssOf(svc));
    const last = samples.slice(-3);
    if (last.length === 3 && Math.max(...last) - Math.min(...last) < 128 * 1024) break;
    await sleep(1000);
  }
  const mem = await inspector.memory();
  return { rss: samples.at(-1)!, heap: mem.heapUsed + mem.external };
}

const perConn = (now: Footprint, base: Footprint, n: number): Footprint => ({
  rss: (now.rss - base.rss) / n,
  heap: (now.heap - base.heap) / n,
});

/** Both servers with 1,000 joined clients each; rounds alternate between them. */
async function throughput(targets: Target[]) {
  const running = [];
  for (const t of targets) {
    const svc = await startWithFlags(t.entry, [], t.env);
    running.push({ svc, url: t.url(svc), clients: await connectMany(t.url(svc), CLIENTS) });
  }
  const rates: number[][] = targets.map(() => []);
  const cpu = targets.map(() => ({ seconds: 0, deliveries: 0 }));
  for (const r of running) await broadcast(r.url, CLIENTS, 100); // warm-up
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [i, r] of running.entries()) {
      await sleep(1000);
      const before = cpuSeconds(r.svc);
      const { seconds, deliveries } = await broadcast(r.url, CLIENTS, MESSAGES);
      cpu[i]!.seconds += cpuSeconds(r.svc) - before;
      cpu[i]!.deliveries += deliveries;
      rates[i]!.push(deliveries / seconds);
      say(`  round ${round} ${targets[i]!.name}: ${Math.round(rates[i]!.at(-1)!)} messages/s`);
    }
  }
  for (const r of running) {
    await closeAll(r.clients);
    await r.svc.stop();
  }
  return { rates, cpu };
}

/** One fresh server: its footprint after a warm-up, then with 1k and with 10k idle joined clients. */
async function memory(target: Target): Promise<{ small: Footprint; many: Footprint | string }> {
  const svc = await startWithFlags(target.entry, MEMORY_FLAGS, target.env);
  const url = target.url(svc);
  try {
    const warm = await connectMany(url, CLIENTS);
    await broadcast(url, warm.length, 20);
    await closeAll(warm);
    const inspector = await Inspector.attach(svc);
    const base = await footprint(svc, inspector);
    const clients = await connectMany(url, CLIENTS);
    const small = perConn(await footprint(svc, inspector), base, CLIENTS);
    let many: Footprint | string;
    try {
      clients.push(...(await connectMany(url, MANY - CLIENTS)));
      many = perConn(await footprint(svc, inspector), base, MANY);
    } catch (err) {
      many = `failed: ${(err as Error).message}`;
    }
    await closeAll(clients);
    inspector.close();
    return { small, many };
  } finally {
    await svc.stop();
  }
}

async function run(targets: Target[]) {
  say(`throughput: ${CLIENTS} clients per server, ${ROUNDS} rounds`);
  const { rates, cpu } = await throughput(targets);
  const small: Footprint[] = [];
  const many: (Footprint | string)[] = [];
  for (const t of targets) {
    say(`memory: ${t.name}, ${CLIENTS} then ${MANY} idle clients`);
    const m = await memory(t);
    small.push(m.small);
    many.push(m.many);
  }
  return { rates, cpu, small, many };
}

function report(r: Awaited<ReturnType<typeof run>>): string[] {
  const num = (n: number) => Math.round(n).toLocaleString('en-US');
  const kib = (n: number) => `${(n / 1024).toFixed(2)} KiB`;
  const cell = (v: Footprint | string, key: keyof Footprint) => (typeof v === 'string' ? v : kib(v[key]));
  const ratio = (a: Footprint | number | string, b: Footprint | number | string, key?: keyof Footprint) => {
    const x = typeof a === 'object' ? a[key!] : a;
    const y = typeof b === 'object' ? b[key!] : b;
    return typeof x === 'number' && typeof y === 'number' ? `${(x / y).toFixed(2)}x` : 'n/a';
  };
  const best = r.rates.map((list) => Math.max(...list));
  const cpuMs = r.cpu.map((c) => (c.seconds * 1000 * 1000) / c.deliveries);
  const [rs, gs] = r.small;
  const [rm, gm] = r.many;
  const rows = [
    ['measure', 'raw ws', 'guidance_ws', 'ratio', 'target'],
    [
      `delivered messages/s, ${num(CLIENTS)} clients (best of ${ROUNDS})`,
      num(best[0]!),
      num(best[1]!),
      ratio(best[1]!, best[0]!),
      '>= 0.90x',
    ],
    [
      'server CPU ms per 1,000 deliveries (all rounds)',
      cpuMs[0]!.toFixed(1),
      cpuMs[1]!.toFixed(1),
      ratio(cpuMs[1]!, cpuMs[0]!),
      '-',
    ],
    [`RSS per idle connection, ${num(CLIENTS)}`, cell(rs!, 'rss'), cell(gs!, 'rss'), ratio(gs!, rs!, 'rss'), '<= 1.20x'],
    [`RSS per idle connection, ${num(MANY)}`, cell(rm!, 'rss'), cell(gm!, 'rss'), ratio(gm!, rm!, 'rss'), '<= 1.20x'],
    [`JS heap per idle connection, ${num(CLIENTS)}`, cell(rs!, 'heap'), cell(gs!, 'heap'), ratio(gs!, rs!, 'heap'), '-'],
    [`JS heap per idle connection, ${num(MANY)}`, cell(rm!, 'heap'), cell(gm!, 'heap'), ratio(gm!, rm!, 'heap'), '-'],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    `WebSocket broadcast, one run: ${os.cpus().length} CPUs (load average ${os.loadavg()[0]!.toFixed(1)}), Node ${process.version}`,
    `${num(CLIENTS)} clients in one room + 1 operator sending ${num(MESSAGES)} messages at once; clients run in this process`,
    'guidance_ws: embedded default (SQLite, in-process bus), every message stored before it is broadcast',
    'memory: fresh servers with a fixed 1 MB young generation; RSS and heap after forced full GCs (through the inspector),',
    '  minus the same after a warm-up, before the clients came',
    '',
    line(rows[0]!),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.slice(1).map(line),
    '',
    `throughput rounds (messages/s): raw ws ${r.rates[0]!.map(num).join(', ')}; guidance_ws ${r.rates[1]!.map(num).join(', ')}`,
  ];
}

const dir = tempDir('bench-ws');
const common = { DB_URL: `sqlite:${dir}/data.sqlite`, REDIS_URL: '', LOG_DIR: `${dir}/logs` };
const manage = await startService('http_manage_system.ts', { ...common, ADMIN_PASSWORD: 'bench-password' });
try {
  const login = await fetch(`${manage.url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'bench-password' }),
  });
  const token = ((await login.json()) as { data: { token: string } }).data.token;
  const raw: Target = {
    name: 'raw ws',
    entry: 'test/bench/raw_ws_server.ts',
    env: {},
    url: (svc) => `ws://127.0.0.1:${svc.port}/`,
  };
  const guidance: Target = {
    name: 'guidance_ws',
    entry: 'ws_guidance.ts',
    // Logs go to files only: a pipe to this busy process would hold log lines in the server's memory.
    // Up to 10k sockets share one session and one address here: the socket limits are lifted.
    env: {
      ...common,
      LOG_STDOUT: 'false',
      WS_RATE_PER_SECOND: '100000',
      WS_RATE_BURST: '100000',
      WS_MAX_SOCKETS_PER_SESSION: '100000',
      WS_MAX_SOCKETS_PER_ACCOUNT: '100000',
      WS_MAX_SOCKETS_PER_ADDRESS: '100000',
    },
    url: (svc) => `ws://127.0.0.1:${svc.port}/v1/guide?token=${token}`,
  };
  console.log(report(await run([raw, guidance])).join('\n'));
} finally {
  await manage.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
