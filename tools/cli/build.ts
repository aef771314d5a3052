import { defineCli } from '../../common/libs/cli_usage.js';

/** The command line of `tools/build.ts`. */
export const BUILD_CLI = defineCli({
  name: 'build',
  summary: 'compile the services to dist/ (what the systemd units run) from a clean folder',
  usage: ['npm run build [-- --out <dir>]'],
  options: {
    out: { type: 'string', arg: 'dir', default: 'dist', help: 'the folder to build into, inside the project (default dist)' },
  },
  examples: ['npm run build', 'npm run build -- --out dist-next'],
  notes: 'exit: 0 built, 2 bad usage, else what tsc exited with',
});
