import { type CommandLine, defineCli, parseCommandLine, UsageError } from '../cli_usage.js';
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
  /** With `--help`: the text to print. */
  help?: string;
  /** The arguments as given, repeated in a refusal's suggested command. */
  argv: string[];
  service?: string;
  name?: string;
  /** `--verify`: write nothing, exit 1 on unrecorded changes. */
  check: boolean;
  empty: boolean;
  renames: string[];
  noInput: boolean;
  /** `--to`: the version to upgrade up to or downgrade back to. */
  version?: string;
  steps?: number;
  fake: boolean;
  resume: boolean;
  allowDataLoss: boolean;
  dryRun: boolean;
  sql: boolean;
  lockTimeoutMs: number;
}

const APPLY = ['fake', 'resume', 'allow-data-loss', 'dry-run', 'sql', 'lock-timeout'];

/** The CLI's options, commands, examples: its `--help` and its parser both come from here. */
export const DB_CLI = defineCli({
  name: 'db',
  summary: "migrations, written from the models' changes and applied (migrations/README.md)",
  usage: [
    'npm run db -- <command> -t <service> [options]',
    'npm run db -- upgrade|history|heads [options]     (no -t: every service in migrations/)',
  ],
  options: {
    service: { type: 'string', short: 't', arg: 'service', help: 'the service, e.g. manage_system' },
    name: { type: 'string', short: 'n', arg: 'n', help: 'migrate: what changed, e.g. add_nickname (default "update")' },
    verify: { type: 'boolean', help: 'migrate: write nothing; exit 1 when the models have changes no migration holds' },
    empty: { type: 'boolean', help: 'migrate: a blank migration, for data changes' },
    rename: {
      type: 'string',
      multiple: true,
      arg: 'a:b',
      help: 'migrate: a dropped+added pair is a rename: table old:new, column table.old:new (repeatable)',
    },
    'no-input': { type: 'boolean', help: 'migrate: never ask; what --rename does not name is a drop and an add' },
    to: { type: 'string', arg: 'version', help: 'upgrade: up to and including it; downgrade: back to and including it' },
    steps: { type: 'string', arg: 'n', help: 'this many migrations (downgrade default 1, upgrade default all)' },
    fake: { type: 'boolean', help: 'record (upgrade) or unrecord (downgrade) without running anything' },
    resume: { type: 'boolean', help: 'continue a run that failed, after fixing the cause (a killed one continues without it)' },
    'allow-data-loss': { type: 'boolean', help: 'run steps that drop tables or columns or narrow a type' },
    'dry-run': { type: 'boolean', help: 'print the steps and stop' },
    sql: { type: 'boolean', help: 'print the SQL each step would run on the configured database; change nothing' },
    'lock-timeout': { type: 'string', arg: 's', help: "wait this long for another process's migration lock (default 120)" },
  },
  commands: {
    init: {
      summary: 'create migrations/<service>/ and record where models and connection come from',
      usage: 'npm run db -- init -t <service>',
      options: ['service'],
      example: 'npm run db -- init -t manage_system',
    },
    'init-db': {
      summary: 'write the first migration from the models and apply it to an empty database',
      usage: 'npm run db -- init-db -t <service> [options]',
      options: ['service', 'name', 'no-input', 'allow-data-loss', 'dry-run', 'sql', 'lock-timeout'],
      example: 'npm run db -- init-db -t manage_system',
    },
    migrate: {
      summary: "write the next migration from the models' changes (no database needed)",
      usage: 'npm run db -- migrate -t <service> [--name <n>] [--verify | --empty] [--rename <a:b>]... [--no-input]',
      options: ['service', 'name', 'verify', 'empty', 'rename', 'no-input'],
      example: 'npm run db -- migrate -t manage_system --name add_nickname',
    },
    upgrade: {
      summary: 'apply pending migrations',
      usage: 'npm run db -- upgrade [-t <service>] [--to <version> | --steps <n>] [options]',
      options: ['service', 'to', 'steps', ...APPLY],
      example: 'npm run db -- upgrade -t manage_system --to 0003 --sql',
    },
    downgrade: {
      summary: 'revert the newest migration',
      usage: 'npm run db -- downgrade -t <service> [--to <version> | --steps <n>] [options]',
      options: ['service', 'to', 'steps', ...APPLY],
      example: 'npm run db -- downgrade -t manage_system --steps 2 --dry-run',
    },
    history: {
      summary: 'every migration and its state',
      usage: 'npm run db -- history [-t <service>]',
      options: ['service'],
      example: 'npm run db -- history -t manage_system',
    },
    heads: {
      summary: 'migrations not applied yet',
      usage: 'npm run db -- heads [-t <service>]',
      options: ['service'],
      example: 'npm run db -- heads',
    },
  },
  examples: [
    'npm run db -- migrate -t manage_system --name add_nickname',
    'npm run db -- migrate -t manage_system --verify',
    'npm run db -- upgrade',
  ],
  renamed: { '--check': '--verify', '--version': '--to', '-v': '--to' },
  notes: 'exit: 0 done, 1 failed or (--verify) changes found, 2 bad usage or config, 3 refused',
});

/**
 * Reads argv (without node and script); throws MigrateError(…, 2) on bad usage. With
 * `--help` the command is `help` and `help` holds the text (of the command when one is named).
 */
export function parseDbArgs(argv: string[]): DbArgs {
  let parsed: CommandLine<typeof DB_CLI.options>;
  try {
    parsed = parseCommandLine(DB_CLI, argv);
  } catch (err) {
    if (err instanceof UsageError) throw new MigrateError(err.message, 2);
    throw err;
  }
  const { values: v, positionals, help } = parsed;
  const command = help ? 'help' : positionals[0];
  if (!command) throw new MigrateError('a command is required (--help lists them)', 2);
  if (command !== 'help' && !(COMMANDS as readonly string[]).includes(command))
    throw new MigrateError(`unknown command ${command} (--help lists them)`, 2);
  if (positionals.length > 1 && !help) throw new MigrateError(`unexpected argument ${positionals[1]}`, 2);
  if (v.to !== undefined && v.steps !== undefined) throw new MigrateError('--to and --steps exclude each other', 2);
  if (v.sql && !['help', 'upgrade', 'downgrade'].includes(command))
    throw new MigrateError('--sql goes with upgrade or downgrade', 2);
  if (v.sql && v.fake) throw new MigrateError('--sql and --fake exclude each other', 2);
  return {
    command: command as Command,
    help,
    argv,
    service: v.service,
    name: v.name,
    check: !!v.verify,
    empty: !!v.empty,
    renames: v.rename ?? [],
    noInput: !!v['no-input'],
    version: v.to,
    steps: v.steps === undefined ? undefined : positive('--steps', v.steps),
    fake: !!v.fake,
    resume: !!v.resume,
    allowDataLoss: !!v['allow-data-loss'],
    dryRun: !!v['dry-run'],
    sql: !!v.sql,
    lockTimeoutMs: positive('--lock-timeout', v['lock-timeout'] ?? '120') * 1000,
  };
}

function positive(flag: string, text: string): number {
  const n = integerFromText(text);
  if (n === undefined || n < 1 || n > INT32_MAX)
    throw new MigrateError(`${flag} ${text}: must be a whole number from 1 to ${INT32_MAX}, in plain decimal digits`, 2);
  return n;
}
