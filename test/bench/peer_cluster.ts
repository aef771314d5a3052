import cluster from 'node:cluster';

/**
 * The floors of the RUN_WORKER table: a peer (`start`) in `workers` node:cluster workers. The
 * primary forks them and hands out connections round-robin, as gatehouse's primary does, and
 * does nothing per request. Beside the same peer in one process, it shows what a second process
 * on the same core costs for the same work with no host in it.
 */
export async function startInCluster(workers: number, start: () => void | Promise<void>): Promise<void> {
  if (cluster.isPrimary) for (let i = 0; i < workers; i++) cluster.fork();
  else await start();
}
