import { execFileSync } from 'node:child_process';
import os from 'node:os';

/**
 * Which CPUs the servers and the load generator run on (`taskset -c` lists; empty: not
 * pinned). On a 2-core machine, unpinned, the scheduler moves the server, wrk and this script
 * across both cores, and a row's CPU per request swings by a third between runs; pinned, the
 * server has one core to itself and the load generator (with this script) the other.
 */
export const pinning = { server: '', load: '' };

/** Pins: servers on the last CPU, this process and the load generator on the others; needs 2+ CPUs and `taskset`. */
export function pinCpus(): boolean {
  const cpus = os.availableParallelism();
  if (cpus < 2) return false;
  try {
    const load = cpus === 2 ? '0' : `0-${cpus - 2}`;
    execFileSync('taskset', ['-p', '-c', load, String(process.pid)], { stdio: 'ignore' });
    pinning.server = String(cpus - 1);
    pinning.load = load;
    return true;
  } catch {
    return false; // no taskset: unpinned
  }
}

/** `[cmd, ...args]` run on `cpus` (through taskset) when set. */
export function onCpus(cpus: string, command: readonly string[]): string[] {
  return cpus ? ['taskset', '-c', cpus, ...command] : [...command];
}
