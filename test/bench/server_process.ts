import { type ChildProcess, spawn } from 'node:child_process';
import { freePort, waitForPort } from '../helper/ports.js';
import { onCpus, pinning } from './cpu_pinning.js';
import { unitLaunch } from './unit_env.js';

/** A server under load, in its own process, run by the same Node binary as this script. */
export interface BenchServer {
  proc: ChildProcess;
  pid: number;
  url: string;
  /** Everything printed up to start-up, then the last 64 KiB: access lines would otherwise pile up here. */
  output(): string;
  /** Resolves once the output holds `text` (or rejects if the process exits first). */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const TAIL = 64 * 1024;

/**
 * Starts `node --import tsx <args>` with the shipped unit's Node flags and environment
 * (`unitLaunch`: every row, peers included, runs as systemd would run it), RUN_PORT set to a free port and stdout/stderr piped
 * and drained (as journald drains a unit's), like test/helper/service_process.ts; resolves once
 * the port accepts connections.
 */
export async function startServer(args: string[], env: Record<string, string>): Promise<BenchServer> {
  const port = await freePort();
  const unit = unitLaunch();
  const [cmd, ...argv] = onCpus(pinning.server, [process.execPath, ...unit.nodeFlags, '--import', 'tsx/esm', ...args]);
  const proc = spawn(cmd as string, argv, {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      RUN_PORT: String(port),
      ...unit.env,
      // e.g. BENCH_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the servers
      ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let started = false;
  const watchers = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d;
    if (started && out.length > 2 * TAIL) out = out.slice(-TAIL);
    for (const check of watchers) check();
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  let stopping = false;
  const exited = new Promise<string>((resolve) =>
    proc.once('exit', (code, signal) => {
      const how = signal ? `was stopped by ${signal}` : `exited with ${code}`;
      // Another process on a shared machine may kill ours; say so where the failure shows.
      if (!stopping) process.stderr.write(`${args.join(' ')} (pid ${proc.pid}) ${how} during the benchmark\n`);
      resolve(how);
    }),
  );
  const died = exited.then((how) => Promise.reject(new Error(`${args.join(' ')} ${how}:\n${out}`)));
  died.catch(() => {});

  const waitFor = (text: string, timeoutMs = 30_000) =>
    Promise.race([
      died,
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no "${text}" from ${args.join(' ')} in ${timeoutMs} ms:\n${out}`)),
          timeoutMs,
        );
        const check = () => {
          if (!out.includes(text)) return;
          clearTimeout(timer);
          watchers.delete(check);
          resolve();
        };
        watchers.add(check);
        check();
      }),
    ]);

  await Promise.race([waitForPort(port, 30_000), died]);
  started = true;
  return {
    proc,
    pid: proc.pid!,
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    waitFor,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      stopping = true;
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
