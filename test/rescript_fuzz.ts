/**
 * Fresh-seed fuzzing, apart from `npm test` (which replays the fixed seeds of
 * test/helper/fuzz_seeds.ts). Picks `--seeds` new seeds, prints them, runs the HTTP and
 * WebSocket fuzz suites with them on both back ends, then prints every failing seed with
 * the command that replays it. Gates nothing: exits 0 whatever the suites found, and 1
 * only when the runner itself breaks (mocha did not run or wrote no report).
 *   npm run fuzz -- [--seeds 2] [--cases 10000] [--suite http|ws|both]
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { tempDir } from './helper/backends.js';
import { FUZZ_CASES } from './helper/fuzz_seeds.js';

const USAGE = `npm run fuzz -- [--seeds N] [--cases N] [--suite http|ws|both]
  --seeds  how many fresh seeds to run (default 2)
  --cases  cases per seed (default ${FUZZ_CASES}, the suites' own default)
  --suite  which fuzz suite (default both)
Exits 0 whatever the fuzzing finds; add a failing seed to test/helper/fuzz_seeds.ts once fixed.`;

const SUITES: Record<string, string[]> = {
  http: ['test/test_fuzz_http.ts'],
  ws: ['test/test_fuzz_ws.ts'],
  both: ['test/test_fuzz_http.ts', 'test/test_fuzz_ws.ts'],
};

interface MochaTest {
  fullTitle: string;
  file?: string;
  err?: { message?: string };
}

interface MochaReport {
  stats: { passes: number; failures: number };
  passes: MochaTest[];
  failures: MochaTest[];
}

function runnerBroke(why: string): never {
  console.error(`fuzz runner: ${why}`);
  process.exit(1);
}

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '2' },
    cases: { type: 'string', default: String(FUZZ_CASES) },
    suite: { type: 'string', default: 'both' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const count = Number(values.seeds);
const files = SUITES[values.suite];
if (!Number.isSafeInteger(count) || count < 1 || !files || !/^[1-9][0-9]*$/.test(values.cases))
  runnerBroke(`bad arguments\n${USAGE}`);

const seeds = Array.from({ length: count }, () => randomInt(1, 1_000_000));
console.log(`fuzz seeds ${seeds.join(', ')}, ${values.cases} cases each, suites: ${files.join(' ')}`);
const report = path.join(tempDir('fuzz'), 'report.json');
const mocha = spawnSync(
  process.execPath,
  [
    'node_modules/mocha/bin/mocha.js',
    '--no-config',
    '--node-option',
    'import=tsx',
    '--exit',
    '--timeout',
    '30000',
    '--require',
    'test/helper/root_hooks.ts',
    '--reporter',
    'json',
    '--reporter-option',
    `output=${report}`,
    ...files,
  ],
  { stdio: 'inherit', env: { ...process.env, FUZZ_SEEDS: seeds.join(','), FUZZ_CASES: values.cases } },
);
if (mocha.error) runnerBroke(`mocha did not start: ${mocha.error.message}`);
if (!fs.existsSync(report)) runnerBroke(`mocha wrote no report (exit ${mocha.status ?? mocha.signal})`);
let parsed: MochaReport;
try {
  parsed = JSON.parse(fs.readFileSync(report, 'utf8')) as MochaReport;
} catch (err) {
  runnerBroke(`unreadable report ${report}: ${(err as Error).message}`);
}

console.log(`\nfuzz: ${parsed.stats.passes} passed, ${parsed.stats.failures} failed (seeds ${seeds.join(', ')})`);
for (const test of parsed.failures) {
  const seed = test.fullTitle.match(/seed (\d+):/)?.[1];
  const file = test.file ? path.relative(process.cwd(), test.file) : files.join(' ');
  console.log(`\nFAILED ${test.fullTitle}`);
  console.log(`  ${(test.err?.message ?? '').split('\n').slice(0, 12).join('\n  ')}`);
  if (seed) {
    console.log(`  replay: FUZZ_SEEDS=${seed} FUZZ_CASES=${values.cases} REQUIRE_SERVICES=1 npx mocha ${file}`);
    console.log('  once fixed, add the seed to FIXED_SEEDS in test/helper/fuzz_seeds.ts');
  }
}
process.exit(0);
