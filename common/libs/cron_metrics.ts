import { registerPlainMetric, type Sample } from './metrics_registry.js';

/** Runs and failed runs of each scheduled script in this process, read at scrape time. */
const runs = new Map<string, { runs: number; failures: number }>();

/** A run of `job` ended; `ok` false when it threw. */
export function cronRan(job: string, ok: boolean): void {
  let tally = runs.get(job);
  if (!tally) runs.set(job, (tally = { runs: 0, failures: 0 }));
  tally.runs++;
  if (!ok) tally.failures++;
}

const samples = (pick: (t: { runs: number; failures: number }) => number): Sample[] =>
  [...runs].map(([job, tally]) => ({ labels: { job }, value: pick(tally) }));

registerPlainMetric({
  name: 'gatehouse_cron_runs_total',
  help: 'Runs of a scheduled script that ended (succeeded or failed), by job',
  type: 'counter',
  aggregator: 'sum',
  samples: () => samples((t) => t.runs),
});
registerPlainMetric({
  name: 'gatehouse_cron_failures_total',
  help: 'Runs of a scheduled script that failed, by job',
  type: 'counter',
  aggregator: 'sum',
  samples: () => samples((t) => t.failures),
});
