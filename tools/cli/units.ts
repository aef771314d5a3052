import { defineCli } from '../../common/libs/cli_usage.js';

/** The command line of `tools/units.ts`. */
export const UNITS_CLI = defineCli({
  name: 'units',
  summary: 'systemd units for the root launchers, rendered with the real paths (service-units/README.md)',
  usage: ['npm run units -- render|install|uninstall [--user] [--service <name>] [options]'],
  options: {
    user: { type: 'boolean', default: false, help: 'user units (systemctl --user) instead of system ones' },
    service: { type: 'string', arg: 'name', help: 'only this launcher, service or unit (default: every launcher)' },
    'run-as': { type: 'string', arg: 'account', help: 'system units: User=, an account of this machine (required)' },
    'service-env': {
      type: 'string',
      arg: 'file',
      help: 'EnvironmentFile= (default /etc/<package>/<launcher>.env; --user: ~/.config/<package>/...)',
    },
    out: { type: 'string', arg: 'dir', help: 'render: the folder to write the units into' },
    dest: { type: 'string', arg: 'dir', help: 'install, uninstall: the unit folder (default the systemd one)' },
    root: { type: 'string', arg: 'dir', help: 'the project: WorkingDirectory= (default this one)' },
    dist: { type: 'string', arg: 'dir', help: 'the compiled folder the units run (default <root>/dist, npm run build)' },
    node: { type: 'string', arg: 'binary', help: 'the node the units run (default the one running this)' },
  },
  commands: {
    render: {
      summary: 'write the units into --out; install nothing',
      usage: 'npm run units -- render [--user] [--service <name>] [--run-as <account>] --out <dir> [options]',
      options: ['user', 'service', 'run-as', 'service-env', 'out', 'root', 'dist', 'node'],
      example: 'npm run units -- render --run-as gatehouse --out /tmp/units',
    },
    install: {
      summary: 'write the units into place and make their writable folders; print the systemctl lines',
      usage: 'npm run units -- install [--user] [--service <name>] [--run-as <account>] [--dest <dir>] [options]',
      options: ['user', 'service', 'run-as', 'service-env', 'dest', 'root', 'dist', 'node'],
      example: 'sudo npm run units -- install --run-as gatehouse',
    },
    uninstall: {
      summary: 'remove the units; print the systemctl lines',
      usage: 'npm run units -- uninstall [--user] [--service <name>] [--dest <dir>] [--root <dir>]',
      options: ['user', 'service', 'dest', 'root'],
      example: 'npm run units -- uninstall --user',
    },
  },
  examples: [
    'npm run units -- render --run-as gatehouse --out /tmp/units',
    'sudo npm run units -- install --run-as gatehouse --service manage_system',
    'npm run units -- install --user --service-env ~/.config/gatehouse/site.env',
  ],
  renamed: { '--env-file': '--service-env' },
  notes: 'exit: 0 done, 2 bad usage or refused (nothing written)',
});
