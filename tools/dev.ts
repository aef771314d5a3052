#!/usr/bin/env tsx
/**
 * Runs a launcher for development, restarted on every change of a file it imports (`tsx watch`):
 *   npm run dev                      manage_system (http_manage_system.ts)
 *   npm run dev -- <launcher>        e.g. guidance, ws_guidance, ws_guidance.ts, guidance_ws
 *   npm run dev -- <path.ts>         any other launcher file, relative to the project root
 * On a terminal the log lines are coloured. Exit code: the launcher's last one, 2 on misuse.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCommandLine, refuse } from '../common/libs/cli_usage.js';
import { PROJECT_ROOT } from '../common/libs/project_root.js';
import { DEV_CLI, LAUNCHERS, namesOf } from './cli/dev.js';
import type { Launcher } from './systemd/discover.js';

const DEFAULT = 'manage_system';

function fail(msg: string): never {
  refuse(DEV_CLI, msg);
}

/** The file to run, relative to the project root. */
function resolveLauncher(wanted: string, launchers: readonly Launcher[]): string {
  const matches = launchers.filter((l) => namesOf(l).includes(wanted));
  if (matches.length === 1) return `${matches[0]!.name}.ts`;
  if (matches.length > 1) fail(`${wanted} names ${matches.map((l) => `${l.name}.ts`).join(' and ')}: give the file name`);
  if (wanted.endsWith('.ts') && fs.statSync(path.resolve(PROJECT_ROOT, wanted), { throwIfNoEntry: false })?.isFile()) {
    return wanted;
  }
  const known = launchers.map((l) => `${l.name} (${l.service})`).join(', ');
  fail(`no launcher named ${wanted}; there are ${known} (npm run dev -- --help)`);
}

const args = readCommandLine(DEV_CLI).positionals;
if (args.length > 1) fail(`unexpected ${args.slice(1).join(' ')} (usage: ${DEV_CLI.usage[0]})`);
const file = resolveLauncher(args[0] ?? DEFAULT, LAUNCHERS);

// The screen is not cleared on restart: what the last run printed (why it stopped) stays readable.
const tsxCli = fileURLToPath(import.meta.resolve('tsx/cli'));
const child = spawn(process.execPath, [tsxCli, 'watch', '--clear-screen=false', file], {
  cwd: PROJECT_ROOT,
  // Its own process group, so the terminal's signals reach this process alone and are passed
  // on once (a launcher sent Ctrl-C twice, by the terminal and by tsx, would skip its graceful
  // stop; one left behind by a closed terminal, SIGHUP being its reload, would keep the port).
  detached: true,
  stdio: ['pipe', 'inherit', 'inherit'],
});
process.stdin.pipe(child.stdin!); // Return makes tsx restart the launcher

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return; // tsx watch kills a launcher that has not stopped 5 s after the first
  stopping = true;
  child.kill(signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
child.once('exit', (code, signal) => process.exit(code ?? 128 + (signal ? os.constants.signals[signal] : 0)));
