import { randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import { serviceNotifier } from '../partner/notifier.js';
import { cache } from './cache_registry.js';
import { workerIndex } from './cluster.js';
import { cronLease, LEASE_MS } from './cron_lease.js';
import { cronRan } from './cron_metrics.js';
import { dependencyFailure } from './dependency_down.js';
import type { MultLogger } from './mult_logger.js';
import { requestContext } from './request_context.js';

export interface ScriptContext {
  log: MultLogger;
  /** Id of this run; every log line of the run carries it. */
  runId: string;
  /** The tick this run is for; absent when run by hand (`npm run script`). */
  scheduledAt?: Date;
}

/** A scheduled script of a service's `script/` folder. */
export interface ScriptJob {
  name: string;
  /** node-cron expression (seconds field optional). */
  cron: string;
  /** IANA zone the expression is read in; the server's by default. */
  timezone?: string;
  /** Run on every instance instead of once per tick across them (e.g. a local cache warm-up). */
  everyInstance?: boolean;
  run(ctx: ScriptContext): Promise<unknown>;
}

/**
 * Runs one job once, with a run id bound to its log lines; a failure goes to the failed log
 * and to the notifier. Resolves true when the job succeeded.
 */
export async function runJobOnce(job: ScriptJob, log: MultLogger, scheduledAt?: Date): Promise<boolean> {
  const runId = `${job.name}-${randomUUID().slice(0, 8)}`;
  return requestContext.run({ requestId: runId }, async () => {
    log.info(`script ${job.name} started`);
    try {
      const result = await job.run({ log, runId, scheduledAt });
      log.info(`script ${job.name} finished`, result && typeof result === 'object' ? (result as Record<string, unknown>) : {});
      cronRan(job.name, true);
      return true;
    } catch (err) {
      cronRan(job.name, false);
      // An outage is not the script's bug: say which dependency, without a stack trace.
      const down = dependencyFailure(err);
      if (down) log.failed(`script ${job.name} failed: ${down.what} (${down.cause})`);
      else log.failed(`script ${job.name} failed`, err as Error);
      void serviceNotifier()?.notify({
        kind: 'script_failed',
        title: `script ${job.name} failed`,
        text: `run ${runId}: ${down ? down.what : ((err as Error)?.message ?? String(err))}`,
      });
      return false;
    }
  });
}

/**
 * Schedules the jobs with node-cron (no overlapping runs in one process: a tick that comes
 * while the previous one still runs is skipped here, and logged). Each tick is leased
 * through the default cache (see `cronLease`), so with a shared Redis one instance runs it.
 * Without one, only the first worker of a RUN_WORKER > 1 launcher schedules them.
 */
export function startJobs(jobs: readonly ScriptJob[], log: MultLogger, instanceId: string): { stop(): Promise<void> } {
  if (cache().kind === 'memory' && workerIndex() !== 0) return { async stop() {} };
  const lease = cronLease(`${instanceId}:${process.pid}`);
  const tasks: ScheduledTask[] = jobs.map((job) => {
    const task = cron.schedule(job.cron, (ctx) => runJobOnce(job, log, ctx.date), {
      name: job.name,
      timezone: job.timezone,
      noOverlap: true,
      distributed: !job.everyInstance,
      runCoordinator: lease,
      distributedLease: LEASE_MS,
    });
    // A tick this process does not even consider (the previous run, or its lease, still
    // going; the event loop too late) is named in the log, as a lost lease is (cron_lease.ts).
    task.on('execution:overlap', (ctx) =>
      log.warn(`cron tick ${job.name}:${ctx.date.toISOString()} lost here: the previous tick is still running or leasing`),
    );
    task.on('execution:missed', (ctx) =>
      log.warn(`cron tick ${job.name}:${ctx.date.toISOString()} lost here: the event loop was late`),
    );
    return task;
  });
  return {
    async stop() {
      await Promise.all(tasks.map((t) => t.stop()));
    },
  };
}
