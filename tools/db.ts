#!/usr/bin/env tsx
/**
 * The migration CLI: `npm run db -- <command> -t <service>` (or the `gatehouse-db` bin).
 * `npm run db -- --help` lists the commands; migrations/README.md has the workflow.
 */
import { runDbCli } from '../common/libs/migrate/cli.js';

const code = await runDbCli(process.argv.slice(2));
// Exit at once: a driver's idle timers must not keep a finished command waiting.
process.exit(code);
