import type { LoadSpec } from './load_gen.js';
import { median, type Sample } from './measure.js';
import type { BenchServer } from './server_process.js';

export type Endpoint = 'health' | 'me' | 'post' | 'workers';
export const ENDPOINTS: readonly Endpoint[] = ['health', 'me', 'post', 'workers'];

export const RAW = 'raw node:http';
/** The RUN_WORKER table's floor row: raw node:http's /health, one process vs node:cluster with 2 workers. */
export const RAW_HEALTH = '/health raw node:http';
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
