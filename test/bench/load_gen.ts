import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { onCpus, pinning } from './cpu_pinning.js';

/** One endpoint under load: the same request, repeated on every connection. */
export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

/** What one load run saw, counted by the load generator. */
export interface LoadResult {
  tool: 'wrk' | 'autocannon';
  /** Responses received (any status). */
  requests: number;
  /** requests / run duration in seconds. */
  rps: number;
  /** Responses with status >= 400 (wrk counts these; autocannon: non-2xx). */
  badStatus: number;
  /** Socket errors: connect, read, write, timeouts. */
  socketErrors: number;
}

/** wrk's path; none when missing or when BENCH_LOAD=autocannon asks for the fallback. */
const WRK =
  process.env.BENCH_LOAD === 'autocannon'
    ? undefined
    : ['/usr/bin/wrk', '/usr/local/bin/wrk', ...(process.env.PATH ?? '').split(':').map((d) => path.join(d, 'wrk'))].find((p) =>
        fs.existsSync(p),
      );

/** The load generator this machine will use. */
export const loadTool: LoadResult['tool'] = WRK ? 'wrk' : 'autocannon';

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited with ${code}: ${err || out}`))));
  });
}

/** Lua long brackets take any text but their own closing bracket, which no request here holds (inside `[ ]` they need a space). */
const luaString = (text: string) => `[==[${text}]==]`;

/**
 * wrk's script for `spec`: method, headers and body fixed up front (no per-request Lua), and a
 * `done` hook printing exact totals, including errors, on one line.
 */
function wrkScript(spec: LoadSpec, dir: string): string {
  const lines = [`wrk.method = ${luaString(spec.method)}`];
  for (const [name, value] of Object.entries(spec.headers)) lines.push(`wrk.headers[ ${luaString(name)} ] = ${luaString(value)}`);
  if (spec.body !== undefined) lines.push(`wrk.body = ${luaString(spec.body)}`);
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format("BENCH_RESULT %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,',
    '    e.connect, e.read, e.write, e.status, e.timeout))',
    'end',
  );
  const file = path.join(dir, `load_${lines.join('\n').length}_${Math.random().toString(36).slice(2)}.lua`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function runWrk(spec: LoadSpec, seconds: number, connections: number, dir: string): Promise<LoadResult> {
  const script = wrkScript(spec, dir);
  try {
    const wrk = [WRK!, '-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, spec.url];
    const [cmd, ...args] = onCpus(pinning.load, wrk);
    const out = await run(cmd as string, args);
    const line = /BENCH_RESULT ([\d ]+)/.exec(out)?.[1];
    if (!line) throw new Error(`wrk printed no totals:\n${out}`);
    const [requests, durationUs, connect, read, write, status, timeout] = line.trim().split(' ').map(Number) as number[];
    return {
      tool: 'wrk',
      requests: requests!,
      rps: requests! / (durationUs! / 1e6),
      badStatus: status!,
      socketErrors: connect! + read! + write! + timeout!,
    };
  } finally {
    fs.rmSync(script, { force: true });
  }
}

interface AutocannonJson {
  requests: { total: number };
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** The fallback: autocannon's CLI in its own process, so it does not share this one's event loop. */
async function runAutocannon(spec: LoadSpec, seconds: number, connections: number): Promise<LoadResult> {
  const cli = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const args = [cli, '-j', '-c', String(connections), '-d', String(seconds), '-m', spec.method];
  for (const [name, value] of Object.entries(spec.headers)) args.push('-H', `${name}=${value}`);
  if (spec.body !== undefined) args.push('-b', spec.body);
  const r = JSON.parse(await run(process.execPath, [...args, spec.url])) as AutocannonJson;
  return {
    tool: 'autocannon',
    requests: r.requests.total,
    rps: r.requests.total / r.duration,
    badStatus: r.non2xx,
    socketErrors: r.errors + r.timeouts,
  };
}

/**
 * Loads `spec` for `seconds` on `connections` keep-alive connections from one thread, with wrk
 * when installed, else autocannon; `dir` holds wrk's temporary Lua script.
 */
export function runLoad(spec: LoadSpec, seconds: number, connections: number, dir: string): Promise<LoadResult> {
  return WRK ? runWrk(spec, seconds, connections, dir) : runAutocannon(spec, seconds, connections);
}
