import { type ParseArgsConfig, parseArgs } from 'node:util';

/** One option of a CLI: node:util parseArgs's fields plus what `--help` says about it. */
export interface CliOption {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  default?: string | boolean;
  /** The value's name in `--help` (`--out <dir>`); string options only, default `value`. */
  arg?: string;
  /** One line for `--help`. */
  help: string;
}

/** A command of a CLI that has several (`db migrate`, `units render`). */
export interface CliCommand {
  /** One line: what it does. */
  summary: string;
  /** Its usage line, e.g. `npm run db -- migrate -t <service> [--name <n>]`. */
  usage: string;
  /** The options it reads, by long name (listed in `<cli> <command> --help`). */
  options: readonly string[];
  /** A whole command line that works, e.g. `npm run db -- migrate -t shop --name add_price`. */
  example: string;
}

/** What a CLI declares once: its `--help` and its parseArgs options come from it. */
export interface CliSpec<O extends Record<string, CliOption> = Record<string, CliOption>> {
  /** Prefix of its error lines, e.g. `units`. */
  name: string;
  /** One line: what it does. */
  summary: string;
  /** Usage lines, e.g. `npm run units -- render|install|uninstall [options]`. */
  usage: readonly string[];
  options: O;
  /** Whole command lines that work. */
  examples: readonly string[];
  commands?: Readonly<Record<string, CliCommand>>;
  /** Old option names refused with a hint, e.g. `{ '--env-file': '--service-env' }`. */
  renamed?: Readonly<Record<string, string>>;
  /** Trailing text (exit codes, say). */
  notes?: string;
}

/** Bad usage: one line for stderr, exit code 2. */
export class UsageError extends Error {}

/** What `parseCommandLine` read; `help` is the text to print when `--help` was given. */
export interface CommandLine<O extends Record<string, CliOption>> {
  values: ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>['values'];
  positionals: string[];
  help?: string;
}

const HELP: CliOption = { type: 'boolean', short: 'h', help: 'this text' };

/** Declares a CLI (keeps the options' literal types for `parseCommandLine`). */
export function defineCli<const O extends Record<string, CliOption>>(spec: CliSpec<O>): CliSpec<O> {
  return spec;
}

/** The `--help` text: usage, commands, options, examples; for `command`, only its options. */
export function helpText(spec: CliSpec, command?: string): string {
  const cmd = command && spec.commands && Object.hasOwn(spec.commands, command) ? spec.commands[command] : undefined;
  const names = cmd ? cmd.options : Object.keys(spec.options);
  const rows: [string, string][] = names.map((name) => {
    const o = spec.options[name];
    if (!o) throw new Error(`${spec.name}: command ${command} names an undeclared option --${name}`);
    return [`${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` <${o.arg ?? 'value'}>` : ''}`, o.help];
  });
  rows.push(['-h, --help', HELP.help]);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  const lines = cmd ? [`${spec.name} ${command}: ${cmd.summary}`] : [`${spec.name}: ${spec.summary}`];
  lines.push('', ...(cmd ? [cmd.usage] : spec.usage).map((u, i) => `${i ? '       ' : 'usage: '}${u}`));
  if (spec.commands && !cmd) {
    const w = Math.max(...Object.keys(spec.commands).map((c) => c.length)) + 2;
    lines.push('', 'commands (`<command> --help` for its options):');
    for (const [c, { summary }] of Object.entries(spec.commands)) lines.push(`  ${c.padEnd(w)}${summary}`);
  }
  lines.push('', 'options:', ...rows.map(([left, text]) => `  ${left.padEnd(width)}${text}`));
  lines.push('', cmd ? 'example:' : 'examples:', ...(cmd ? [cmd.example] : spec.examples).map((e) => `  ${e}`));
  if (spec.notes && !cmd) lines.push('', spec.notes);
  return `${lines.join('\n')}\n`;
}

/**
 * Reads `argv` (without node and the script) against the declared options. Throws UsageError
 * with a one-line message on an unknown option, a missing value, or a renamed option.
 */
export function parseCommandLine<O extends Record<string, CliOption>>(spec: CliSpec<O>, argv: string[]): CommandLine<O> {
  const end = argv.indexOf('--');
  for (const arg of end < 0 ? argv : argv.slice(0, end)) {
    const old = Object.keys(spec.renamed ?? {}).find((o) => arg === o || arg.startsWith(`${o}=`));
    if (old) throw new UsageError(`${old} is now ${spec.renamed![old]} (Node takes ${old} for itself)`);
  }
  const config = { args: argv, options: { ...spec.options, help: HELP }, allowPositionals: true, strict: true } as const;
  let parsed: ReturnType<typeof parseArgs<ParseArgsConfig>>;
  try {
    parsed = parseArgs(config);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!code?.startsWith('ERR_PARSE_ARGS_')) throw err;
    const unknown = /^Unknown option '([^']+)'/.exec((err as Error).message)?.[1];
    throw new UsageError(`${unknown ? `unknown option ${unknown}` : (err as Error).message} (--help lists the options)`);
  }
  const { help, ...values } = parsed.values;
  const command = spec.commands && parsed.positionals.find((p) => Object.hasOwn(spec.commands!, p));
  return {
    values: values as CommandLine<O>['values'],
    positionals: parsed.positionals,
    help: help ? helpText(spec, command) : undefined,
  };
}

/**
 * `parseCommandLine` for a CLI of its own process: prints the help and exits 0 on `--help`;
 * prints one line and exits 2 on bad usage.
 */
export function readCommandLine<O extends Record<string, CliOption>>(
  spec: CliSpec<O>,
  argv = process.argv.slice(2),
): CommandLine<O> {
  let line: CommandLine<O>;
  try {
    line = parseCommandLine(spec, argv);
  } catch (err) {
    if (err instanceof UsageError) refuse(spec, err.message);
    throw err;
  }
  if (line.help) {
    process.stdout.write(line.help);
    process.exit(0);
  }
  return line;
}

/** Bad usage of a CLI of its own process: one line on stderr, exit 2. */
export function refuse(spec: Pick<CliSpec, 'name'>, message: string): never {
  process.stderr.write(`${spec.name}: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(2);
}
