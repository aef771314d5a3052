import cluster, { type Worker } from 'node:cluster';
import type { BaseConf } from './base_conf.js';
import type { MultLogger } from './mult_logger.js';

export const WORKER_INDEX_ENV = 'GATEHOUSE_WORKER_INDEX';
/** A worker that lived this long before dying starts the restart back-off from scratch. */
const STABLE_MS = 30_000;
const MAX_BACKOFF_MS = 10_000;
/** The launcher's "config or migration needs a person" exit code: restarting will not help. */
const EX_CONFIG = 78;
/**
 * The primary's exit code after a crash loop (sysexits EX_TEMPFAIL): not 78, because the cause
 * (a database down, say) may pass, so systemd's `Restart=on-failure` starts it again after
 * `RestartSec` and its `StartLimitBurst` decides when to give up for good.
 */
export const EX_CRASH_LOOP = 75;

/**
 * The primary of `runWorkers`: keeps RUN_WORKER workers alive (a dead one is forked again,
 * after a back-off that grows while it keeps dying young), relays SIGHUP, and on SIGTERM or
 * SIGINT sends SIGTERM to every worker, waits for their drains, then exits (0 when all
 * stopped cleanly). More than WORKER_START_LIMIT_BURST deaths within
 * WORKER_START_LIMIT_INTERVAL_SECONDS is a crash loop: it stops every worker and exits
 * `EX_CRASH_LOOP`, so the service manager sees the failure instead of a primary that looks up.
 */
export function superviseWorkers(conf: Readonly<BaseConf>, log: MultLogger): void {
  const workers = new Map<number, Worker>();
  const quickDeaths = new Map<number, number>();
  const ready = new Set<number>();
  const deathTimes: number[] = [];
  let stopping = false;
  let exitCode = 0;

  const fork = (index: number) => {
    const worker = cluster.fork({ [WORKER_INDEX_ENV]: String(index) });
    const startedAt = Date.now();
    workers.set(index, worker);
    log.info(`worker ${index} started (pid ${worker.process.pid})`);
    worker.once('listening', (address) => {
      ready.add(index);
      if (ready.size === conf.RUN_WORKER) log.info(`${conf.RUN_WORKER} workers ready on port ${address.port}`);
    });
    worker.once('exit', (code, signal) => {
      workers.delete(index);
      ready.delete(index);
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (stopping) {
        if (code !== 0) exitCode ||= 1;
        log.info(`worker ${index} (pid ${worker.process.pid}) stopped with ${how}`);
        if (!workers.size) finish();
        return;
      }
      if (code === EX_CONFIG) {
        log.failed(`worker ${index} exited with ${how}: it cannot start, stopping every worker`);
        exitCode = EX_CONFIG;
        stop();
        if (!workers.size) finish();
        return;
      }
      if (crashLooping(`worker ${index} (pid ${worker.process.pid}) died with ${how}`)) return;
      const deaths = Date.now() - startedAt < STABLE_MS ? (quickDeaths.get(index) ?? 0) + 1 : 0;
      quickDeaths.set(index, deaths);
      const delay = Math.min(100 * 2 ** deaths, MAX_BACKOFF_MS);
      log.failed(`worker ${index} (pid ${worker.process.pid}) died with ${how}; restarting it in ${delay} ms`);
      setTimeout(() => stopping || fork(index), delay);
    });
  };

  /** Records a death; past the start limit, says why in one line and stops everything. */
  const crashLooping = (death: string): boolean => {
    const now = Date.now();
    const windowMs = conf.WORKER_START_LIMIT_INTERVAL_SECONDS * 1000;
    deathTimes.push(now);
    while (deathTimes[0]! <= now - windowMs) deathTimes.shift();
    if (deathTimes.length <= conf.WORKER_START_LIMIT_BURST) return false;
    log.failed(
      `${death}: ${deathTimes.length} worker deaths within ${conf.WORKER_START_LIMIT_INTERVAL_SECONDS} s ` +
        `(WORKER_START_LIMIT_BURST=${conf.WORKER_START_LIMIT_BURST}) is a crash loop; ` +
        `stopping every worker, the primary exits ${EX_CRASH_LOOP}`,
    );
    exitCode = EX_CRASH_LOOP;
    stop();
    if (!workers.size) finish();
    return true;
  };

  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const worker of workers.values()) worker.process.kill('SIGTERM');
    // Each worker bounds its own drain; this only catches one that hangs past it.
    setTimeout(
      () => {
        for (const worker of workers.values()) worker.process.kill('SIGKILL');
      },
      conf.DRAIN_TIMEOUT_MS * 2 + 5000,
    ).unref();
  };

  const finish = () => {
    log.info(`all workers stopped, primary exits with ${exitCode}`);
    log.close().finally(() => process.exit(exitCode));
  };

  const onStopSignal = (signal: NodeJS.Signals) => {
    log.info(`${signal} received, stopping ${workers.size} workers`);
    stop();
    if (!workers.size) finish();
  };
  process.on('SIGTERM', onStopSignal);
  process.on('SIGINT', onStopSignal);
  process.on('SIGHUP', () => {
    for (const worker of workers.values()) worker.process.kill('SIGHUP');
  });

  log.info(`primary ${process.pid} starting ${conf.RUN_WORKER} workers`);
  for (let i = 0; i < conf.RUN_WORKER; i++) fork(i);
}
