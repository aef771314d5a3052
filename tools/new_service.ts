/**
 * The service scaffolder:
 *   npm run new-service -- --help
 *   npm run new-service -- --name <snake_name> --kind http|ws|server|service --port <n> [--id <SERVER_ID>] [--tag <table tag>]
 * Validates everything first (a clear error and nothing written), then writes the package,
 * the launcher and a test, and creates the service's migrations with the migration CLI.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readCommandLine, refuse } from '../common/libs/cli_usage.js';
import { NEW_SERVICE_CLI } from './cli/new_service.js';
import { hasHttpRoutes, hasWebSocket, launcherName, type PlannedFile } from './scaffold/plan.js';
import { coreFiles } from './scaffold/templates_core.js';
import { httpFiles } from './scaffold/templates_http.js';
import { launcherFile } from './scaffold/templates_launcher.js';
import { testFile } from './scaffold/templates_test.js';
import { wsFiles } from './scaffold/templates_ws.js';
import { ScaffoldError, validatePlan } from './scaffold/validate.js';

const root = process.cwd();
const { values, positionals } = readCommandLine(NEW_SERVICE_CLI);
if (positionals.length) refuse(NEW_SERVICE_CLI, `unexpected argument ${positionals[0]}`);

function writeAll(files: PlannedFile[]): void {
  const written: string[] = [];
  try {
    for (const file of files) {
      const full = path.join(root, file.path);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, file.text, { flag: 'wx' });
      written.push(full);
    }
  } catch (err) {
    for (const full of written) fs.rmSync(full, { force: true });
    throw err;
  }
}

function runDb(args: string[]): void {
  const res = spawnSync(process.execPath, ['--import', 'tsx/esm', 'tools/db.ts', ...args], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) throw new Error(`npm run db -- ${args.join(' ')} exited with ${res.status}`);
}

try {
  const plan = await validatePlan(root, values);
  const files = [
    ...coreFiles(plan),
    ...(hasHttpRoutes(plan) ? httpFiles(plan) : []),
    ...(hasWebSocket(plan) ? wsFiles(plan) : []),
    launcherFile(plan),
    testFile(plan),
  ];
  writeAll(files);
  runDb(['init', '-t', plan.name]);
  runDb(['migrate', '-t', plan.name, '--name', 'init']);
  const biome = spawnSync(
    process.execPath,
    [
      'node_modules/@biomejs/biome/bin/biome',
      'check',
      '--write',
      plan.name,
      launcherName(plan),
      `test/test_${plan.name}.ts`,
      `migrations/${plan.name}`,
    ],
    { cwd: root },
  );
  if (biome.status !== 0) process.stderr.write(String(biome.stderr));
  for (const file of files) console.log(`created ${file.path}`);
  console.log(`\n${plan.name} is ready:
  npx tsx ${launcherName(plan)}                 start it (port ${plan.port}, SQLite under run_data/)
  npx mocha --no-config --node-option import=tsx test/test_${plan.name}.ts    run its test
  npm run build && npm run units -- render --service ${plan.name} --run-as <account> --out <dir>   its systemd units`);
  if (hasHttpRoutes(plan)) {
    console.log(`Its routes take manage_system's tokens (its database, run_data/manage_system.sqlite by default):
  every method needs a signed-in viewer unless its spec says public: true; see ${plan.name}/README.md.`);
  }
} catch (err) {
  if (!(err instanceof ScaffoldError)) throw err;
  refuse(NEW_SERVICE_CLI, err.message);
}
