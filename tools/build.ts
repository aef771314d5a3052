/**
 * `npm run build [-- --out <dir>]` (`--help`): compiles the services to `dist/` (what the systemd units
 * run) from a clean folder, so a deleted source file (a migration, say) cannot linger there
 * compiled, then copies the non-TypeScript files the code reads beside itself. Another
 * `--out` must stay inside the project, where the compiled code still finds node_modules.
 * It also bundles the guidance client into the one ES module the gateway serves, so `dist/`
 * never needs esbuild (a dev tool) at run time.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readCommandLine, refuse } from '../common/libs/cli_usage.js';
import { bundleClient, CLIENT_BUNDLE } from '../guidance_ws/interface/client_module.js';
import { BUILD_CLI } from './cli/build.js';

const { values, positionals } = readCommandLine(BUILD_CLI);
if (positionals.length) refuse(BUILD_CLI, `unexpected argument ${positionals[0]}`);
const OUT = values.out;
/** Data files read relative to the compiled code (`PROJECT_ROOT`), by folder. */
const ASSETS: [dir: string, test: RegExp][] = [['migrations', /\.json$/]];

const MARK = '.gatehouse-build';
const where = path.relative(process.cwd(), path.resolve(OUT));
if (!where || where.startsWith('..') || path.isAbsolute(where)) fail(`--out ${OUT}: must be a folder inside the project`);
// Only a folder this script made is wiped: a mistyped --out must not delete sources.
if (fs.existsSync(OUT) && fs.readdirSync(OUT).length && !fs.existsSync(path.join(OUT, MARK))) {
  fail(`--out ${OUT}: exists and was not made by this build; remove it by hand`);
}
fs.rmSync(OUT, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', OUT], {
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

let copied = 0;
for (const [dir, test] of ASSETS) {
  if (!fs.existsSync(dir)) continue;
  for (const file of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!test.test(file)) continue;
    fs.mkdirSync(path.join(OUT, dir, path.dirname(file)), { recursive: true });
    fs.copyFileSync(path.join(dir, file), path.join(OUT, dir, file));
    copied++;
  }
}
// CLIENT_BUNDLE is where the compiled client_module.ts looks: the same path under OUT.
const bundle = path.join(OUT, path.relative(process.cwd(), CLIENT_BUNDLE));
fs.writeFileSync(bundle, await bundleClient());
fs.writeFileSync(path.join(OUT, MARK), 'made by tools/build.ts; wiped by the next build\n');
console.log(`built ${OUT}/ (${copied} data files copied)`);

function fail(msg: string): never {
  refuse(BUILD_CLI, msg);
}
