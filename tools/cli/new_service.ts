import { defineCli } from '../../common/libs/cli_usage.js';

/** The command line of `tools/new_service.ts`. */
export const NEW_SERVICE_CLI = defineCli({
  name: 'new-service',
  summary: 'create a new startable service: package, config, launcher, unit, migrations, a passing test',
  usage: ['npm run new-service -- --name <snake_name> --kind http|ws|server|service --port <n> [--id <SERVER_ID>] [--tag <tag>]'],
  options: {
    name: { type: 'string', arg: 'snake_name', help: 'the service package, e.g. shop (snake_case, a-z 0-9 _)' },
    kind: {
      type: 'string',
      arg: 'kind',
      help: 'http (routes), ws (WebSocket), server (both) or service (neither); default http',
    },
    port: { type: 'string', arg: 'n', help: 'its RUN_PORT, 1024-65535, free here and in no other service config' },
    id: { type: 'string', arg: 'SERVER_ID', help: 'its SERVER_ID (default <name>_01)' },
    tag: { type: 'string', arg: 'tag', help: "its table names' tag, 2-8 of a-z 0-9 (default: the name's first 3 letters)" },
  },
  examples: ['npm run new-service -- --name shop --kind http --port 8010'],
  notes: 'exit: 0 created, 2 bad usage (nothing written)',
});
