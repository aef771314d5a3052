import type { LoadSpec } from './load_gen.js';
import { median, type Sample } from './measure.js';
import type { BenchServer } from './server_process.js';

export type Endpoint = 'health' | 'me' | 'post' | 'workers';
export const ENDPOINTS: readonly Endpoint[] = ['health', 'me', 'post', 'workers'];

export const RAW = 'raw node:http';
/** The RUN_WORKER table's floor rows: the same work with no host, one process vs node:cluster with 2 workers. */
export const RAW_HEALTH = '/health raw node:http';
export const BARE_ME = '/v1/auth/me bare Hono';
/** Each gatehouse path of the RUN_WORKER table and the floor that does its work without gatehouse. */
export const WORKER_FLOORS: readonly (readonly [path: string, floor: string])[] = [
  ['/health', RAW_HEALTH],
  ['/v1/auth/me', BARE_ME],
];
export const BARE = 'bare Hono';
export const MW = 'Hono + own middleware';
export const GATEHOUSE = 'gatehouse';

/** One line of a table: one server answering one request, measured once per round. */
export interface Row {
  endpoint: Endpoint;
  name: string;
  server: BenchServer;
  spec: LoadSpec;
  samples: Sample[];
}

export interface Summary {
  rps: number;
  cpu: number;
  errors: number;
}

export function summarize(row: Row): Summary {
  return {
    rps: median(row.samples.map((s) => s.rps)),
    cpu: median(row.samples.map((s) => s.cpuPerRequest)),
    errors: row.samples.reduce((sum, s) => sum + s.errors, 0),
  };
}

/** This round's order of an endpoint's rows: rotated by one each round, so no row always runs first. */
export function roundOrder<T>(rows: T[], round: number): T[] {
  const shift = rows.length ? round % rows.length : 0;
  return [...rows.slice(shift), ...rows.slice(0, shift)];
}
