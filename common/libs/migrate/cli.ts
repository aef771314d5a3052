import { PROJECT_ROOT } from '../project_root.js';
import { type DbArgs, parseDbArgs } from './cli_args.js';
import { cmdApply, cmdHistory } from './cmd_apply.js';
import { cmdInit, cmdInitDb, cmdMigrate, type MigrateOptions, type Say } from './cmd_generate.js';
import { MigrateError } from './migrate_error.js';
import { initialisedServices } from './owners.js';
import { terminalAsk } from './prompt.js';
import { checkServiceName } from './service_info.js';

/** Commands that, without `-t`, run for every initialised service (nothing they do loses data). */
const EVERY_SERVICE: readonly string[] = ['upgrade', 'history', 'heads'];

/**
 * The migration CLI (`npm run db -- <command> -t <service>`): runs one command and answers
 * its exit code. Works from the project root, like the launchers, so `.env`, config files
 * and `sqlite:run_data/...` mean the same here as at start-up.
 */
export async function runDbCli(argv: string[], say: Say = (line) => process.stdout.write(`${line}\n`)): Promise<number> {
  let args: DbArgs | undefined;
  try {
    args = parseDbArgs(argv);
    if (args.command === 'help') {
      say(args.help!.trimEnd());
      return 0;
    }
    process.chdir(PROJECT_ROOT);
    if (!args.service && EVERY_SERVICE.includes(args.command)) {
      if (args.version || args.steps || args.fake || args.resume)
        throw new MigrateError('--to, --steps, --fake and --resume need -t <service>', 2);
      // `npm run db -- upgrade` (the hint a missing table prints): every initialised service in turn.
      const services = initialisedServices();
      if (!services.length) throw new MigrateError('no service has migrations/<service>/migrate.json; name one with -t', 2);
      for (const service of services) {
        if (args.command === 'history') say(`${service}:`); // upgrade and heads name the service on each line
        await dispatch(args, service, say);
      }
      return 0;
    }
    return await dispatch(args, checkServiceName(args.service), say);
  } catch (err) {
    const where = `db${args ? ` ${args.command}` : ''}`;
    if (!(err instanceof MigrateError)) {
      // Not a refusal or a failed step: the database is unreachable, a model does not load...
      process.stderr.write(`${where}: ${(err as Error).stack ?? String(err)}\n`);
      return 1;
    }
    process.stderr.write(`${where}: ${err.message}\n`);
    return err.exitCode;
  }
}

async function dispatch(args: DbArgs, service: string, say: Say): Promise<number> {
  const migrateOpts: MigrateOptions = {
    name: args.name,
    check: args.check,
    empty: args.empty,
    flags: args.renames,
    noInput: args.noInput,
    ask: terminalAsk(),
    command: `npm run db -- ${args.command} -t ${service}${args.name ? ` --name ${args.name}` : ''}`,
  };
  switch (args.command) {
    case 'init':
      await cmdInit(service, say);
      return 0;
    case 'init-db':
      await cmdInitDb(service, migrateOpts, say);
      await cmdApply(service, { ...args, command: 'upgrade' }, say);
      return 0;
    case 'migrate':
      return cmdMigrate(service, migrateOpts, say);
    case 'upgrade':
    case 'downgrade':
      await cmdApply(service, args, say);
      return 0;
    default:
      await cmdHistory(service, args, say);
      return 0;
  }
}
