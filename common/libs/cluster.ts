import cluster from 'node:cluster';
import type { BaseConf } from './base_conf.js';
import { aggregateWorkerMetrics, joinWorkerMetrics } from './metrics_cluster.js';
import type { MultLogger } from './mult_logger.js';
import { superviseWorkers, WORKER_INDEX_ENV } from './worker_supervisor.js';

/**
 * The process model of a launcher, called right after `bootLogger`. With RUN_WORKER > 1 the
 * process becomes the primary: it forks RUN_WORKER workers that run the same launcher and
 * share its port (node:cluster), restarts a worker that dies (until they die in a loop: then it
 * stops them and exits 75, see `superviseWorkers`), forwards SIGTERM/SIGINT/SIGHUP, merges the
 * workers' series for a scrape of `/metrics` (`aggregateWorkerMetrics`), and exits
 * once they have stopped. The promise it gets never settles, so the launcher's
 * remaining lines run in the workers only. In a worker, or with RUN_WORKER = 1, it resolves
 * at once and the launcher carries on.
 */
export function runWorkers(conf: Readonly<BaseConf>, log: MultLogger): Promise<void> {
  if (cluster.isWorker) joinWorkerMetrics(); // answers the primary's metrics requests from the start, even while booting
  if (conf.RUN_WORKER <= 1 || cluster.isWorker) return Promise.resolve();
  superviseWorkers(conf, log);
  aggregateWorkerMetrics();
  return new Promise<void>(() => {});
}

/**
 * 0 in a single process and in the first worker, 1..N-1 in the others; a restarted worker
 * keeps the index of the one it replaces. The primary hands it over in the worker's
 * environment: it is process bookkeeping, not config.
 */
export function workerIndex(): number {
  return cluster.isWorker ? Number(process.env[WORKER_INDEX_ENV] ?? 0) : 0;
}

/** `w<index>` in a cluster worker (its log lines carry it), undefined in a single process and in the primary. */
export function workerTag(): string | undefined {
  return cluster.isWorker ? `w${workerIndex()}` : undefined;
}
