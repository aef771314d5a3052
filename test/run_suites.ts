/**
 * `npm test` runs the mocha suites in two passes; `npm run test:fast` runs the first only.
 *
 * 1. Parallel (mocha `--parallel --jobs 4`): every suite that keeps to its own databases,
 *    ports and redis-server. The longest files are queued first so the four jobs end
 *    together instead of waiting on one long file started last.
 * 2. Serial: the suites that load the machine on purpose or time a recovery (fault,
 *    topology, cluster, browser), one at a time, so none shares the 2 cores with another.
 *
 * `--fast`: the first pass only, with 1,000 fuzz cases per seed. Exits 1 when a pass failed
 * (both passes still run); each pass ends with mocha's own "N passing" summary.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MOCHA = path.join(ROOT, 'node_modules', '.bin', 'mocha');

/** Suites run one at a time: fault, topology, cluster and browser files. */
const SERIAL = [/^test_fault_/, /^test_topology_/, /cluster/, /_browser\.ts$/];
/** Files that take the longest under a full parallel load (minutes each), longest first. */
const LONGEST_FIRST = ['test_migrate_cli.ts', 'test_migrate_safety.ts', 'test_scaffold.ts'];

function mocha(args: string[], env: NodeJS.ProcessEnv): boolean {
  const run = spawnSync(MOCHA, args, { cwd: ROOT, stdio: 'inherit', env });
  return run.status === 0;
}

const fast = process.argv.includes('--fast');
const parallelEnv = fast ? { ...process.env, FUZZ_CASES: process.env.FUZZ_CASES ?? '1000' } : process.env;
// the file lists are spelled out (mocha would run a file twice if both a name and a glob held it)
const suites = readdirSync(path.join(ROOT, 'test')).filter((name) => /^test_.*\.ts$/.test(name));
const isSerial = (name: string) => SERIAL.some((pattern) => pattern.test(name));
const rank = (name: string) => (LONGEST_FIRST.includes(name) ? LONGEST_FIRST.indexOf(name) : LONGEST_FIRST.length);
const parallel = suites.filter((name) => !isSerial(name)).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
const serial = suites.filter(isSerial).sort();
const inTest = (names: string[]) => names.map((name) => `test/${name}`);

let ok = mocha(['--parallel', '--jobs', '4', ...inTest(parallel)], parallelEnv);
if (!fast) ok = mocha(inTest(serial), process.env) && ok;
process.exit(ok ? 0 : 1);
