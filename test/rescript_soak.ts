/**
 * Soak: mixed HTTP + WebSocket traffic against real manage_system and ws_guidance processes
 * for `--seconds` (default 600), sampling each server's RSS (from /proc), V8 heap figures (from
 * test/helper/memory_probe.mjs, preloaded into both: heap used and committed, per space, and
 * old space live after the latest mark-compact) and open file descriptors every `--every`
 * seconds. Prints the series, then one line a minute for each server and figure, and the slopes
 * of RSS and of live old space after 120 s; exits 1 on any error or when a series keeps growing. `--snapshots 120,480` writes the gateway's heap snapshots at
 * those seconds into `--snapshot-dir` (default: the current directory), to compare offline.
 * Both servers run as the shipped systemd unit starts them (its Node flags and environment,
 * test/bench/unit_env.ts); `--node-options` adds Node/V8 flags through NODE_OPTIONS.
 *   npm run soak -- [--seconds 600] [--every 10] [--snapshots 120,480] [--snapshot-dir /tmp/x]
 *                   [--node-options="--max-old-space-size=512"]
 * Runs on MariaDB + a private Redis when MariaDB answers, else on SQLite with in-process cache.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineCli, readCommandLine } from '../common/libs/cli_usage.js';
import { startWithFlags } from './bench/spawn_node.js';
import { type Backend, openBackend, servicesMissing, tempDir } from './helper/backends.js';
import { client } from './helper/http_client.js';
import { GuideClient } from './helper/ws_client.js';

const { values } = readCommandLine(
  defineCli({
    name: 'soak',
    summary: 'mixed HTTP + WebSocket traffic against manage_system and ws_guidance, sampling their memory',
    usage: ['npm run soak -- [--seconds 600] [--every 10] [--snapshots 120,480] [--snapshot-dir <dir>] [--node-options=<flags>]'],
    options: {
      seconds: { type: 'string', default: '600', arg: 's', help: 'how long the traffic runs' },
      every: { type: 'string', default: '10', arg: 's', help: 'seconds between samples (RSS, V8 heap used, open fds)' },
      snapshots: { type: 'string', default: '', arg: 'list', help: "seconds at which to write the gateway's heap snapshots" },
      'snapshot-dir': { type: 'string', default: '.', arg: 'dir', help: 'where the heap snapshots go' },
      'node-options': { type: 'string', default: '', arg: 'flags', help: 'Node/V8 flags added through NODE_OPTIONS' },
    },
    examples: ['npm run soak -- --seconds 120 --every 5'],
    notes: 'Exits 1 on any error or when a series keeps growing.',
  }),
);
const snapshotAt = values.snapshots ? values.snapshots.split(',').map(Number) : [];
const seconds = Number(values.seconds);
const everyMs = Number(values.every) * 1000;
const deadline = Date.now() + seconds * 1000;
const errors: string[] = [];
const counts = { http: 0, sent: 0, delivered: 0, reconnects: 0 };

const probeDir = tempDir('soak-probe');
const mb = (bytes: number) => Math.round(bytes / 104_857.6) / 10;

interface Sample {
  rssMb: number;
  heapMb: number;
  heapTotalMb: number;
  /** The part of heap total that is V8's young generation (grown and shrunk by V8 itself). */
  youngMb: number;
  /** Heap total's other large parts: old objects, compiled code, objects too big for a page. */
  oldMb: number;
  codeMb: number;
  largeMb: number;
  /** Memory of C++ objects bound to JS ones (Buffers, zlib and sqlite3 handles), outside the heap. */
  externalMb: number;
  /** Old space in use right after the latest mark-compact: what is retained, garbage left out. */
  oldLiveMb: number;
  majorGcs: number;
  fds: number;
}

interface ProbeReading {
  heapUsed: number;
  heapTotal: number;
  external: number;
  spaces: Record<string, number>;
  oldLiveAfterMajorGc: number;
  majorGcs: number;
}

function sample(pid: number): Sample {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  let heap: ProbeReading = {
    heapUsed: Number.NaN,
    heapTotal: Number.NaN,
    external: Number.NaN,
    spaces: {},
    oldLiveAfterMajorGc: Number.NaN,
    majorGcs: Number.NaN,
  };
  try {
    heap = JSON.parse(fs.readFileSync(path.join(probeDir, `${pid}.json`), 'utf8'));
  } catch {} // not written yet, or caught mid-write: this sample has no heap figures
  const space = (name: string) => mb(heap.spaces[name] ?? Number.NaN);
  const fds = fs.readdirSync(`/proc/${pid}/fd`).length;
  return {
    rssMb: mb(rssKb * 1024),
    heapMb: mb(heap.heapUsed),
    heapTotalMb: mb(heap.heapTotal),
    youngMb: space('new_space'),
    oldMb: space('old_space'),
    codeMb: space('code_space'),
    largeMb: space('large_object_space'),
    externalMb: mb(heap.external),
    oldLiveMb: mb(heap.oldLiveAfterMajorGc),
    majorGcs: heap.majorGcs,
    fds,
  };
}

const password = 'soak-admin-password';
const backend: Backend = await openBackend((await servicesMissing()) ? 'sqlite' : 'mysql');
const logDir = tempDir('soak');
const probe = pathToFileURL(path.resolve('test/helper/memory_probe.mjs')).href;
const nodeOptions = `--import=${probe} ${values['node-options']}`.trim();
const env = { ...backend.env, LOG_DIR: logDir, MEMORY_PROBE_DIR: probeDir, NODE_OPTIONS: nodeOptions };
const manage = await startWithFlags('http_manage_system.ts', [], { ...env, ADMIN_PASSWORD: password });
const snapshotOptions = `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${path.resolve(values['snapshot-dir'])}`;
const gateway = await startWithFlags('ws_guidance.ts', [], {
  ...env,
  NODE_OPTIONS: snapshotAt.length ? `${env.NODE_OPTIONS} ${snapshotOptions}` : env.NODE_OPTIONS,
});
const call = client(manage.url);
const guideUrl = `ws://127.0.0.1:${gateway.port}/v1/guide`;
const token = (await call('POST', '/v1/auth/login', { body: { username: 'admin', password } })).body.data.token as string;
const room = `soak-${Date.now()}`;

async function httpLoop(): Promise<void> {
  while (Date.now() < deadline) {
    for (const [method, path] of [
      ['GET', '/v1/auth/me'],
      ['GET', '/v1/accounts?page_size=5'],
      ['GET', '/v1/records/login?page_size=5'],
      ['GET', '/health'],
      ['POST', `/v1/guidance/rooms/${room}/messages`],
    ] as const) {
      const res = await call(method, path, { token, body: method === 'POST' ? { body: { text: 'over http' } } : undefined });
      counts.http++;
      if (res.status >= 300) errors.push(`${method} ${path} -> ${res.status} ${res.text.slice(0, 120)}`);
      else if (method === 'POST') counts.sent++;
    }
  }
}

/** A watcher: checks every push comes in order without gaps; now and then reconnects with since. */
async function watcher(id: number): Promise<void> {
  let last = 0;
  while (Date.now() < deadline) {
    const socket = await GuideClient.connect(guideUrl, { token });
    const joined = await socket.request('join', { room, since: last });
    if (joined.code !== 0) errors.push(`watcher ${id}: join -> ${joined.code} ${joined.msg}`);
    const stayUntil = Math.min(deadline, Date.now() + 5000 + id * 1000);
    while (Date.now() < stayUntil) {
      await new Promise((r) => setTimeout(r, 200));
      for (const guide of socket.guides(room).filter((g) => g.seq > last)) {
        if (guide.seq !== last + 1) errors.push(`watcher ${id}: seq ${guide.seq} after ${last}`);
        last = guide.seq;
        counts.delivered++;
      }
    }
    socket.ws.close();
    counts.reconnects++;
  }
}

async function wsSender(): Promise<void> {
  const socket = await GuideClient.connect(guideUrl, { token });
  while (Date.now() < deadline) {
    const reply = await socket.request('send', { room, body: { text: 'over ws', at: Date.now() } });
    if (reply.code !== 0) errors.push(`ws send -> ${reply.code} ${reply.msg}`);
    else counts.sent++;
    await new Promise((r) => setTimeout(r, 50));
  }
  socket.ws.close();
}

const series: string[] = [];
const samples: { manage: Sample; gateway: Sample }[] = [];
const sampler = setInterval(() => {
  const s = { manage: sample(manage.proc.pid!), gateway: sample(gateway.proc.pid!) };
  samples.push(s);
  const t = samples.length * (everyMs / 1000);
  const shown = (x: Sample) => `rss ${x.rssMb} heap ${x.heapMb}/${x.heapTotalMb} (young ${x.youngMb}) MB fds ${x.fds}`;
  series.push(
    `${String(t).padStart(5)}s  manage ${shown(s.manage)}  |  gateway ${shown(s.gateway)}  |  http ${counts.http} sent ${counts.sent} delivered ${counts.delivered}`,
  );
  console.log(series.at(-1));
  const previous = t - everyMs / 1000;
  for (const at of snapshotAt) if (previous < at && at <= t) gateway.proc.kill('SIGUSR2');
}, everyMs);

try {
  await Promise.all([httpLoop(), httpLoop(), wsSender(), ...Array.from({ length: 8 }, (_, i) => watcher(i))]);
} catch (err) {
  errors.push(`traffic stopped: ${(err as Error).message} ${(err as Error).cause ?? ''}`);
  for (const [name, server] of [
    ['manage_system', manage],
    ['guidance_ws', gateway],
  ] as const) {
    const { exitCode, signalCode } = server.proc;
    console.log(`${name} (exit ${exitCode ?? signalCode ?? 'none yet'}), last output:\n${server.output().slice(-1500)}`);
  }
} finally {
  clearInterval(sampler);
  await manage.stop();
  await gateway.stop();
  await backend.teardown();
  fs.rmSync(logDir, { recursive: true, force: true });
  fs.rmSync(probeDir, { recursive: true, force: true });
}

// One line a minute per server and figure, in MB: RSS; heap used; heap total (what V8 has
// committed) and its parts: the young generation, which V8 sizes by itself (RSS follows it
// without any retention), old space, code and large objects; external memory; and old space
// in use after the latest mark-compact with the count of mark-compacts so far. Old space fills
// with promoted objects that die there (a closed connection's) until the next mark-compact, and
// RSS rises with it: only the reading after a mark-compact shows retention.
const perMinute = samples.filter((_, i) => ((i + 1) * everyMs) % 60_000 === 0);
const FIGURES: readonly (readonly [string, (x: Sample) => number])[] = [
  ['rss', (x) => x.rssMb],
  ['heap used', (x) => x.heapMb],
  ['heap total', (x) => x.heapTotalMb],
  ['heap young', (x) => x.youngMb],
  ['heap old', (x) => x.oldMb],
  ['heap code', (x) => x.codeMb],
  ['heap large', (x) => x.largeMb],
  ['external', (x) => x.externalMb],
  ['old live after GC', (x) => x.oldLiveMb],
  ['mark-compacts', (x) => x.majorGcs],
];
for (const [server, pickServer] of [
  ['manage_system', (s: (typeof samples)[number]) => s.manage],
  ['guidance_ws', (s: (typeof samples)[number]) => s.gateway],
] as const) {
  for (const [figure, pick] of FIGURES)
    console.log(`${`${server} ${figure}`.padEnd(26)} per minute: ${perMinute.map((s) => pick(pickServer(s))).join(' ')}`);
}

/** Least-squares slope of a series after the first two minutes (start-up and V8's first resizing), in MB per 10 min. */
function slope(pick: (s: (typeof samples)[number]) => number): string {
  const points = samples
    .map((s, i) => [((i + 1) * everyMs) / 1000, pick(s)] as const)
    .filter(([t, value]) => t > 120 && !Number.isNaN(value));
  if (points.length < 2) return 'n/a';
  const n = points.length;
  const mt = points.reduce((a, [t]) => a + t, 0) / n;
  const mr = points.reduce((a, [, r]) => a + r, 0) / n;
  const cov = points.reduce((a, [t, r]) => a + (t - mt) * (r - mr), 0);
  const vt = points.reduce((a, [t]) => a + (t - mt) ** 2, 0);
  return `${((cov / vt) * 600).toFixed(1)} MB per 10 min`;
}
console.log(`rss slope after 120 s: manage_system ${slope((s) => s.manage.rssMb)}, guidance_ws ${slope((s) => s.gateway.rssMb)}`);
console.log(
  `old space live after mark-compact, slope after 120 s: manage_system ${slope((s) => s.manage.oldLiveMb)}, ` +
    `guidance_ws ${slope((s) => s.gateway.oldLiveMb)}`,
);
for (const [name, server] of [
  ['manage_system', manage],
  ['guidance_ws', gateway],
] as const) {
  const warnings = server
    .output()
    .split('\n')
    .filter((line) => / (WARN|ERROR) /.test(line));
  console.log(`${name} warn/error lines: ${warnings.length}${warnings.length ? `\n  ${warnings.slice(0, 5).join('\n  ')}` : ''}`);
}

// "Flat": the second half of the run does not end much above where it began (warm-up excluded).
const half = samples.slice(Math.floor(samples.length / 2));
const grew = (pick: (s: (typeof samples)[number]) => number, slack: number) =>
  half.length >= 2 && pick(half.at(-1)!) > pick(half[0]!) * slack;
const growth = [
  grew((s) => s.manage.rssMb, 1.25) && 'manage_system RSS',
  grew((s) => s.gateway.rssMb, 1.25) && 'guidance_ws RSS',
  grew((s) => s.manage.fds, 1.2) && 'manage_system fds',
  grew((s) => s.gateway.fds, 1.2) && 'guidance_ws fds',
].filter(Boolean);
console.log(
  `\n${seconds}s on ${backend.name}: ${counts.http} HTTP requests, ${counts.sent} messages sent, ${counts.delivered} deliveries checked, ${counts.reconnects} reconnects`,
);
console.log(`errors: ${errors.length}${errors.length ? `\n  ${errors.slice(0, 10).join('\n  ')}` : ''}`);
console.log(`growing series: ${growth.length ? growth.join(', ') : 'none'}`);
process.exit(errors.length || growth.length ? 1 : 0);
