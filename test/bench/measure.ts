import { type LoadResult, type LoadSpec, runLoad } from './load_gen.js';
import { treeCpuMicros } from './proc_cpu.js';

/** One measurement of one row. */
export interface Sample {
  /** Responses per second, from the load generator. */
  rps: number;
  /** Server CPU (user + system, whole process tree) per response, in microseconds. */
  cpuPerRequest: number;
  requests: number;
  /** Status >= 400 plus socket errors and timeouts. */
  errors: number;
}

export interface MeasureOptions {
  seconds: number;
  warmSeconds: number;
  connections: number;
  /** Where wrk's Lua scripts go. */
  dir: string;
}

/**
 * A warm-up run (JIT, pools, keep-alive connections), then the measured run, reading the CPU
 * time of the server's process tree (rooted at `pid`) right before and after it.
 */
export async function measure(pid: number, spec: LoadSpec, opts: MeasureOptions): Promise<Sample> {
  await runLoad(spec, opts.warmSeconds, opts.connections, opts.dir);
  const before = treeCpuMicros(pid);
  const r: LoadResult = await runLoad(spec, opts.seconds, opts.connections, opts.dir);
  const after = treeCpuMicros(pid);
  return {
    rps: r.rps,
    cpuPerRequest: r.requests > 0 ? (after - before) / r.requests : Number.NaN,
    requests: r.requests,
    errors: r.badStatus + r.socketErrors,
  };
}

export function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
