import { defineCli } from '../../common/libs/cli_usage.js';
import { PROJECT_ROOT } from '../../common/libs/project_root.js';
import { findLaunchers, type Launcher } from '../systemd/discover.js';

/** The root launchers, found once. */
export const LAUNCHERS: readonly Launcher[] = findLaunchers(PROJECT_ROOT);

/** The names a launcher answers to: `ws_guidance.ts`, `ws_guidance`, `guidance`, `guidance_ws`. */
export const namesOf = (l: Launcher) => [...new Set([`${l.name}.ts`, l.name, l.name.replace(/^[a-z]+_/, ''), l.service])];

/** The command line of `tools/dev.ts`. */
export const DEV_CLI = defineCli({
  name: 'dev',
  summary: 'run a launcher under `tsx watch`: a change to any file it imports restarts it (Return restarts it too)',
  usage: ['npm run dev [-- <launcher>]'],
  options: {},
  examples: ['npm run dev', 'npm run dev -- guidance'],
  notes: [
    "No name: manage_system. A name is a root launcher's file name, its name with or without the",
    'http_/ws_/server_/service_ prefix, or its service; else the path of a .ts file (from the project root).',
    '',
    'launchers (file, names):',
    ...LAUNCHERS.map((l) => `  ${`${l.name}.ts`.padEnd(28)} ${namesOf(l).slice(1).join(', ')}`),
  ].join('\n'),
});
