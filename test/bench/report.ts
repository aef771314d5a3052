import { BARE, type Endpoint, GATEHOUSE, MW, RAW, type Row, type Summary, summarize, WORKER_FLOORS } from './rows.js';

const TITLES: Record<Endpoint, string> = {
  health: 'GET /health',
  me: 'GET /v1/auth/me (bearer token)',
  post: 'POST /v1/echo (JSON body checked against a schema)',
  workers:
    'RUN_WORKER=2 vs RUN_WORKER=1: gatehouse launcher; floors without gatehouse in node:cluster (CPU summed over primary + workers)',
};

const pad = (s: string | number, n: number) => String(s).padStart(n);
const fixed = (v: number, digits: number) => (Number.isNaN(v) ? '-' : v.toFixed(digits));

function table(title: string, rows: { name: string; s: Summary }[]): void {
  console.log(`\n${title}`);
  console.log(`${'row'.padEnd(34)}${pad('median req/s', 14)}${pad('median CPU µs/req', 19)}${pad('errors', 9)}`);
  for (const { name, s } of rows)
    console.log(`${name.padEnd(34)}${pad(fixed(s.rps, 0), 14)}${pad(fixed(s.cpu, 1), 19)}${pad(s.errors, 9)}`);
}

/** peer CPU / gatehouse CPU per request, or why there is no ratio. */
function ratio(peer: Summary | undefined, gatehouse: Summary | undefined): string {
  if (!peer || !gatehouse) return '-';
  if (peer.errors || gatehouse.errors) return 'n/a (errors)';
  return fixed(peer.cpu / gatehouse.cpu, 2);
}

/** The tables (one per endpoint measured), then the ratios the goals use. */
export function printReport(rows: Row[], endpoints: readonly Endpoint[]): void {
  const find = (endpoint: Endpoint, name: string) => {
    const row = rows.find((r) => r.endpoint === endpoint && r.name === name);
    return row && summarize(row);
  };
  const compared = endpoints.filter((e) => e !== 'workers');
  for (const endpoint of compared) {
    const lines = [RAW, BARE, MW, GATEHOUSE].flatMap((name) => {
      const s = find(endpoint, name);
      return s ? [{ name, s }] : [];
    });
    table(TITLES[endpoint], lines);
  }
  if (endpoints.includes('workers')) {
    const lines = rows.filter((r) => r.endpoint === 'workers').map((r) => ({ name: r.name, s: summarize(r) }));
    table(TITLES.workers, lines);
    const workerRatio = (path: string) => {
      const one = lines.find((l) => l.name === `1 worker  ${path}`)?.s;
      const two = lines.find((l) => l.name === `2 workers ${path}`)?.s;
      if (!one || !two) return undefined;
      return one.errors || two.errors ? Number.NaN : two.cpu / one.cpu;
    };
    console.log('\n2 workers CPU/req ÷ 1 worker CPU/req (lower is better; 1.00 = no extra cost per request)');
    console.log(
      `${'path'.padEnd(16)}${pad('gatehouse', 10)}  ${'floor (same work, no host)'.padEnd(34)}${pad('gatehouse ÷ floor', 18)}`,
    );
    for (const [path, floor] of WORKER_FLOORS) {
      const own = workerRatio(path);
      const base = workerRatio(floor);
      if (own === undefined) continue;
      const floorText = base === undefined ? '-' : `${fixed(base, 2)} ${floor.slice(path.length + 1)}`;
      const beyond = base === undefined ? '-' : fixed(own / base, 2);
      console.log(`${path.padEnd(16)}${pad(fixed(own, 2), 10)}  ${floorText.padEnd(34)}${pad(beyond, 18)}`);
    }
  }
  if (compared.length === 0) return;
  console.log('\nCPU µs per request, peer / gatehouse (higher is better for gatehouse)');
  console.log(`${'endpoint'.padEnd(34)}${pad('bare/gatehouse', 16)}${pad('mw/gatehouse', 14)}`);
  for (const endpoint of compared) {
    const gatehouse = find(endpoint, GATEHOUSE);
    console.log(
      `${TITLES[endpoint].split(' (')[0]!.padEnd(34)}${pad(ratio(find(endpoint, BARE), gatehouse), 16)}` +
        `${pad(ratio(find(endpoint, MW), gatehouse), 14)}`,
    );
  }
}
