import { type ChildProcess, spawn } from 'node:child_process';

export interface Ticker {
  proc: ChildProcess;
  /** The exit code, once everything it printed is in `output()`. */
  exited: Promise<number | null>;
  /** Everything it printed so far (its log lines go to stdout too). */
  output(): string;
}

/**
 * Starts the ticker fixture (test/fixture/cron_ticker.ts: one job, every second, each run
 * appended to TICK_FILE); resolves once its job is scheduled.
 */
export function startTicker(env: Record<string, string>): Promise<Ticker> {
  const proc = spawn(process.execPath, ['--import', 'tsx/esm', 'test/fixture/cron_ticker.ts'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // 'close', not 'exit': at 'exit' its last lines (a lost tick) may still be in the pipes, unread.
  const exited = new Promise<number | null>((resolve) => proc.once('close', resolve));
  let out = '';
  proc.stderr?.on('data', (d) => (out += d));
  proc.stdout?.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ticker did not start:\n${out}`)), 30_000);
    const onData = () => {
      if (!out.includes('ticking')) return;
      clearTimeout(timer);
      proc.stdout?.off('data', onData);
      resolve({ proc, exited, output: () => out });
    };
    proc.stdout?.on('data', onData);
    exited.then((code) => reject(new Error(`ticker exited with ${code}:\n${out}`)));
  });
}
