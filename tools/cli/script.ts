import { defineCli } from '../../common/libs/cli_usage.js';

/** The command line of `tools/script.ts`. */
export const SCRIPT_CLI = defineCli({
  name: 'script',
  summary: "run one scheduled script of a service once, with the service's config, database and cache",
  usage: ['npm run script -- <service> <job>', 'npm run script -- <service>        (lists its jobs)'],
  options: {},
  examples: ['npm run script -- manage_system expire_sessions', 'npm run script -- manage_system'],
  notes: 'exit: 0 the job succeeded, 1 it failed (failed log + notifier), 2 bad usage, 78 bad config',
});
