import type { DbArgs } from './cli_args.js';
import type { Say } from './cmd_generate.js';
import type { MigrationRecord } from './record_table.js';
import { MigrationRunner } from './runner.js';
import { loadServiceConf, readServiceInfo } from './service_info.js';

/** Opens the runner on the service's `default` database (from its config), runs `fn`, closes it. */
export async function withRunner<T>(service: string, args: DbArgs, say: Say, fn: (r: MigrationRunner) => Promise<T>): Promise<T> {
  const info = readServiceInfo(service);
  const { conf } = await loadServiceConf(service, info.config, info.export);
  const runner = new MigrationRunner({ service, url: conf.DB.default!, say, lockTimeoutMs: args.lockTimeoutMs, sql: args.sql });
  try {
    return await fn(runner);
  } finally {
    await runner.close();
  }
}

/** `upgrade` / `downgrade`. */
export function cmdApply(service: string, args: DbArgs, say: Say): Promise<string[]> {
  const opts = {
    to: args.version,
    steps: args.steps,
    fake: args.fake,
    resume: args.resume,
    allowDataLoss: args.allowDataLoss,
    dryRun: args.dryRun,
    command: args.argv.includes(args.command) ? sameCommand(args.argv, service) : undefined,
  };
  return withRunner(service, args, say, async (runner) => {
    const done = args.command === 'downgrade' ? await runner.downgrade(opts) : await runner.upgrade(opts);
    if (args.fake)
      for (const name of done) say(`${service}: ${args.command === 'downgrade' ? 'unrecorded' : 'recorded'} ${name} (fake)`);
    return done;
  });
}

/** The user's own command line (with `-t <service>` added when it named none), for a refusal to repeat. */
function sameCommand(argv: string[], service: string): string {
  const named = argv.some((a) => /^(-t|--service)(=|$)/.test(a) || /^-t./.test(a));
  const words = named ? argv : [...argv, '-t', service];
  return `npm run db -- ${words.map(shellWord).join(' ')}`;
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** `history` (every migration and its state) or `heads` (the ones not applied). */
export function cmdHistory(service: string, args: DbArgs, say: Say): Promise<void> {
  return withRunner(service, args, say, async (runner) => {
    const rows = await runner.status();
    const heads = rows.filter((r) => r.file && !isApplied(r.record));
    if (args.command === 'heads') {
      if (!heads.length)
        say(`${service}: no heads, the database is at ${rows.filter((r) => isApplied(r.record)).at(-1)?.name ?? 'nothing'}`);
      for (const r of heads) say(r.name);
      return;
    }
    for (const r of rows) say(`${stateOf(r.record).padEnd(30)} ${r.name}${r.file ? '' : '  (recorded, but its file is gone)'}`);
    for (const r of rows.filter((x) => x.record?.error)) say(`  ${r.name}: ${r.record!.current_step ?? ''} ${r.record!.error}`);
  });
}

function isApplied(record: MigrationRecord | undefined): boolean {
  return !!record && ['applied', 'running_down', 'failed_down'].includes(record.state);
}

function stateOf(record: MigrationRecord | undefined): string {
  if (!record) return 'pending';
  const when = record.applied_at ? new Date(record.applied_at).toISOString().slice(0, 16).replace('T', ' ') : '';
  if (record.state === 'applied') return `applied ${when}`;
  if (record.steps_done === 0) {
    const how = record.state.startsWith('running') ? 'broke off' : 'failed';
    return record.state.endsWith('up') ? `pending (last upgrade ${how})` : `applied (last downgrade ${how})`;
  }
  return `${record.state.toUpperCase()} ${record.steps_done}/${record.steps_total} steps`;
}
