import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from './ports.js';

export interface ServiceProcess {
  proc: ChildProcess;
  port: number;
  url: string;
  /** Everything the process printed so far. */
  output(): string;
  /** The exit code, once the process exited and everything it printed is in `output()`. */
  exited: Promise<number | null>;
  /** SIGTERM, then the exit code (as `exited`). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a root launcher (`http_manage_system.ts`...) as a child process and waits until it listens. */
export async function startService(
  launcher: string,
  env: Record<string, string>,
  timeoutMs = 25_000,
  cwd = process.cwd(),
): Promise<ServiceProcess> {
  const port = env.RUN_PORT ? Number(env.RUN_PORT) : await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx/esm', launcher], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, RUN_PORT: String(port), LOG_STDOUT: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d) => (out += d));
  proc.stderr?.on('data', (d) => (out += d));
  // 'close', not 'exit': at 'exit' the last lines may still be in the pipes, unread.
  const exited = new Promise<number | null>((resolve) => proc.once('close', (code) => resolve(code)));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${launcher} did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = () => {
      if (out.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout?.on('data', onData);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${launcher} exited with ${code} before listening:\n${out}`));
    });
  });

  return {
    proc,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    exited,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/**
 * Runs a launcher expected to fail at start; resolves with its exit code and output.
 * `cwd` (where `.env` is read) must hold or link `node_modules` for `--import tsx`.
 */
export function runToExit(
  launcher: string,
  env: Record<string, string>,
  cwd = process.cwd(),
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--import', 'tsx/esm', path.resolve(launcher)], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    proc.stdout.on('data', (d) => (output += d));
    proc.stderr.on('data', (d) => (output += d));
    proc.once('close', (code) => resolve({ code, output }));
  });
}
