import { spawn } from 'node:child_process';
import { freePort, waitForPort } from '../helper/ports.js';
import type { ServiceProcess } from '../helper/service_process.js';
import { unitLaunch } from './unit_env.js';

/**
 * Starts a TypeScript entry as the shipped unit starts a launcher (its Node flags and
 * environment, `unitLaunch`), plus extra Node/V8 flags (NODE_OPTIONS refuses some of them; these
 * come after the unit's, so they win), on a free port given as RUN_PORT; resolves once the port
 * accepts connections.
 */
export async function startWithFlags(entry: string, flags: string[], env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const unit = unitLaunch();
  const proc = spawn(process.execPath, [...unit.nodeFlags, ...flags, '--import', 'tsx/esm', entry], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      RUN_PORT: String(port),
      ...unit.env,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => proc.once('close', (code) => resolve(code)));
  await Promise.race([
    waitForPort(port, 30_000),
    exited.then((code) => Promise.reject(new Error(`${entry} exited with ${code}:\n${out}`))),
  ]);
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
