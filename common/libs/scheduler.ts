import { randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import { cache } from './cache_registry.js';
import type { MultLogger } from './mult_logger.js';
import { requestContext } from './request_context.js';

export interface ScriptContext {
  log: MultLogger;
  /** Id of this run; every log line of the run carries it. */
  runId: string;
}

/** A scheduled script of a service's `script/` folder. */
export interface ScriptJob {
  name: string;
  /** node-cron expression (seconds field optional). */
  cron: string;
  run(ctx: ScriptContext): Promise<unknown>;
}

/** Runs one job once, with a run id bound to its log lines; failures go to the failed log. */
export async function runJobOnce(job: ScriptJob, log: MultLogger): Promise<boolean> {
  const runId = `${job.name}-${randomUUID().slice(0, 8)}`;
  return requestContext.run({ requestId: runId }, async () => {
    log.info(`script ${job.name} started`);
    try {
      const result = await job.run({ log, runId });
      log.info(`script ${job.name} finished`, result && typeof result === 'object' ? (result as Record<string, unknown>) : {});
      return true;
    } catch (err) {
      log.failed(`script ${job.name} failed`, err as Error);
      return false;
    }
  });
}

/**
 * Schedules the jobs with node-cron (no overlapping runs). With a shared Redis cache the
 * tick is leased (SET NX PX) so that only one instance runs it; in-process it runs locally.
 */
export function startJobs(jobs: readonly ScriptJob[], log: MultLogger, instanceId: string): { stop(): Promise<void> } {
  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(job.cron, () => runJobOnce(job, log), {
      name: job.name,
      noOverlap: true,
      runCoordinator: {
        shouldRun: (key, ttlMs) =>
          cache()
            .setIfAbsent(`cron_lease:${job.name}:${key}`, instanceId, ttlMs)
            .catch(() => true),
      },
    }),
  );
  return {
    async stop() {
      await Promise.all(tasks.map((t) => t.stop()));
    },
  };
}
