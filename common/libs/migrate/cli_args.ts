import { parseArgs } from 'node:util';
import { INT32_MAX } from '../number_bounds.js';
import { integerFromText } from '../number_text.js';
import { MigrateError } from './migrate_error.js';

/** The CLI's commands, aerich's names. */
export const COMMANDS = ['init', 'init-db', 'migrate', 'upgrade', 'downgrade', 'history', 'heads'] as const;
/** One of COMMANDS. */
export type Command = (typeof COMMANDS)[number];

/** The parsed command line of `npm run db -- <command> -t <service> [options]`. */
export interface DbArgs {
  command: Command | 'help';
  /** The arguments as given, repeated in a refusal's suggested command. */
  argv: string[];
  service?: string;
  name?: string;
  check: boolean;
  empty: boolean;
  renames: string[];
  noInput: boolean;
  version?: string;
  steps?: number;
  fake: boolean;
  resume: boolean;
  allowDataLoss: boolean;
  dryRun: boolean;
  sql: boolean;
  lockTimeoutMs: number;
}

/** `--help` text: every command and option, and the exit codes. */
export const USAGE = `usage: npm run db -- <command> -t <service> [options]
       npm run db -- upgrade|history|heads [options]     (no -t: every service in migrations/)

  init               create migrations/<service>/ and record where models and connection come from
  init-db            write the first migration from the models and apply it to an empty database
  migrate            write the next migration from the models' changes (no database needed)
      --name <n>       what changed, e.g. add_nickname (default "update")
      --check          write nothing; exit 1 when the models have changes no migration holds
      --empty          a blank migration, for data changes
      --rename <a:b>   a dropped+added pair is a rename: table old:new, column table.old:new (repeatable)
      --no-input       never ask: what --rename does not name is a drop and an add
  upgrade            apply pending migrations      [-v <version>] up to and including it
  downgrade          revert the newest migration    [-v <version>] back to and including it | [--steps n]
  history            every migration and its state
  heads              migrations not applied yet

  --fake             record (upgrade) or unrecord (downgrade) without running anything
  --resume           continue a run that failed (after fixing the cause); a killed one continues without it
  --allow-data-loss  run steps that drop tables or columns or narrow a type
  --dry-run          print the steps and stop
  --sql              print the SQL each step would run on the configured database, change nothing
  --lock-timeout <s> wait this long for another process's migration lock (default 120)

exit: 0 done, 1 failed or (--check) changes found, 2 bad usage or config, 3 refused`;

/** Reads argv (without node and script); throws MigrateError(…, 2) on bad usage. */
export function parseDbArgs(argv: string[]): DbArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new MigrateError((err as Error).message, 2);
  }
  const { values: v, positionals } = parsed;
  const command = v.help ? 'help' : positionals[0];
  if (!command) throw new MigrateError('a command is required', 2);
  if (command !== 'help' && !(COMMANDS as readonly string[]).includes(command))
    throw new MigrateError(`unknown command ${command}`, 2);
  if (positionals.length > 1) throw new MigrateError(`unexpected argument ${positionals[1]}`, 2);
  if (v.version !== undefined && v.steps !== undefined) throw new MigrateError('-v and --steps exclude each other', 2);
  if (v.sql && !['help', 'upgrade', 'downgrade'].includes(command))
    throw new MigrateError('--sql goes with upgrade or downgrade', 2);
  if (v.sql && v.fake) throw new MigrateError('--sql and --fake exclude each other', 2);
  return {
    command: command as Command,
    argv,
    service: v.service,
    name: v.name,
    check: !!v.check,
    empty: !!v.empty,
    renames: v.rename ?? [],
    noInput: !!v['no-input'],
    version: v.version,
    steps: v.steps === undefined ? undefined : positive('--steps', v.steps),
    fake: !!v.fake,
    resume: !!v.resume,
    allowDataLoss: !!v['allow-data-loss'],
    dryRun: !!v['dry-run'],
    sql: !!v.sql,
    lockTimeoutMs: positive('--lock-timeout', v['lock-timeout'] ?? '120') * 1000,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      service: { type: 'string', short: 't' },
      name: { type: 'string', short: 'n' },
      check: { type: 'boolean' },
      empty: { type: 'boolean' },
      rename: { type: 'string', multiple: true },
      'no-input': { type: 'boolean' },
      version: { type: 'string', short: 'v' },
      steps: { type: 'string' },
      fake: { type: 'boolean' },
      resume: { type: 'boolean' },
      'allow-data-loss': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      sql: { type: 'boolean' },
      'lock-timeout': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function positive(flag: string, text: string): number {
  const n = integerFromText(text);
  if (n === undefined || n < 1 || n > INT32_MAX)
    throw new MigrateError(`${flag} ${text}: must be a whole number from 1 to ${INT32_MAX}, in plain decimal digits`, 2);
  return n;
}
