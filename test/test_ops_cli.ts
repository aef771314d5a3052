import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type CliSpec, parseCommandLine, UsageError } from '../common/libs/cli_usage.js';
import { runDbCli } from '../common/libs/migrate/cli.js';
import { DB_CLI, parseDbArgs } from '../common/libs/migrate/cli_args.js';
import { BUILD_CLI } from '../tools/cli/build.js';
import { DEV_CLI } from '../tools/cli/dev.js';
import { NEW_SERVICE_CLI } from '../tools/cli/new_service.js';
import { SCRIPT_CLI } from '../tools/cli/script.js';
import { UNITS_CLI } from '../tools/cli/units.js';
import { tempDir } from './helper/backends.js';

/** Each CLI the project ships, by the file package.json runs, with the declaration it parses with. */
const CLIS: Record<string, CliSpec> = {
  'tools/db.ts': DB_CLI,
  'tools/units.ts': UNITS_CLI,
  'tools/new_service.ts': NEW_SERVICE_CLI,
  'tools/script.ts': SCRIPT_CLI,
  'tools/build.ts': BUILD_CLI,
  'tools/dev.ts': DEV_CLI,
};
/** The one option every CLI takes that Node also takes: Node reads it only before the script. */
const HELP = ['--help', '-h'];

type Run = { code: number | null; out: string; err: string };
/** Runs a CLI as its own process, as package.json does (tsx), or through npm itself. */
function cli(file: string, args: string[]): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx/esm', file, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function npmRun(script: string, args: string[]): Run {
  const r = spawnSync('npm', ['run', '--silent', script, '--', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Bad usage: exit 2 and exactly one line on stderr, starting with the CLI's name, no stack. */
function assertOneLine(r: Run, name: string, pattern: RegExp): void {
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /^[^\n]+\n$/, `one line: ${r.err}`);
  assert.ok(r.err.startsWith(`${name}: `), r.err);
  assert.match(r.err, pattern);
  assert.doesNotMatch(r.err, /\bat .+:\d+:\d+/, 'no stack trace');
}

/** The options `node --help` of the running Node lists, long and short (`--env-file`, `-r`). */
function nodeOptions(): Set<string> {
  const help = spawnSync(process.execPath, ['--help'], { encoding: 'utf8' }).stdout;
  const section = help.slice(help.indexOf('\nOptions:'), help.indexOf('\nEnvironment variables:'));
  const names = new Set<string>();
  for (const m of section.matchAll(/^ {2}(?:(-[A-Za-z]), )?(--[A-Za-z0-9][A-Za-z0-9-]*)/gm)) {
    if (m[1]) names.add(m[1]);
    names.add(m[2]!);
  }
  return names;
}

/** `npm run x -- <args>` of an example line, as argv. */
function exampleArgs(example: string): string[] {
  const at = example.indexOf(' -- ');
  return at < 0 ? [] : example.slice(at + 4).split(' ');
}

describe('the CLIs (npm run db, units, new-service, script, build)', function () {
  this.timeout(120_000);
  const dir = tempDir('cli');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('declares every CLI package.json runs, and no option of theirs is one Node takes', () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {
      scripts: Record<string, string>;
      bin: Record<string, string>;
    };
    const run = [...Object.values(pkg.scripts), ...Object.values(pkg.bin)].flatMap((s) => s.match(/tools\/[a-z_]+\.ts/g) ?? []);
    assert.deepEqual([...new Set(run)].sort(), Object.keys(CLIS).sort());

    const node = nodeOptions();
    // the parse found Node's option list (a changed `node --help` layout must not pass as "no clash")
    for (const known of ['--import', '--env-file', '-r', '-e']) assert.ok(node.has(known), `node --help lists ${known}`);
    const clashes: string[] = [];
    for (const [file, spec] of Object.entries(CLIS)) {
      for (const [name, option] of Object.entries(spec.options)) {
        for (const flag of [`--${name}`, ...(option.short ? [`-${option.short}`] : [])])
          if (node.has(flag) && !HELP.includes(flag)) clashes.push(`${file} ${flag}`);
      }
      for (const old of Object.keys(spec.renamed ?? {})) {
        assert.ok(!Object.hasOwn(spec.options, old.replace(/^--/, '')), `${file}: ${old} is refused, so not an option`);
        assert.throws(() => parseCommandLine(spec, [old]), UsageError);
      }
    }
    assert.deepEqual(clashes, [], `options Node ${process.version} takes itself`);
  });

  it('answers --help on every CLI with usage, every option and an example, exit 0', () => {
    for (const [file, spec] of Object.entries(CLIS)) {
      const r = file === 'tools/units.ts' ? npmRun('units', ['--help']) : cli(file, ['--help']);
      assert.equal(r.code, 0, `${file}: ${r.err}`);
      assert.equal(r.err, '', file);
      assert.match(r.out, /^usage: npm run /m, file);
      for (const [name, o] of Object.entries(spec.options)) {
        const shown = `${o.short ? `-${o.short}, ` : ''}--${name}`;
        assert.ok(r.out.includes(shown), `${file} --help lists ${shown}`);
      }
      assert.ok(r.out.includes('-h, --help'), file);
      assert.ok(spec.examples.length > 0, file);
      for (const example of spec.examples) {
        assert.ok(r.out.includes(example), `${file} --help shows ${example}`);
        // an example is a command line the CLI accepts
        assert.doesNotThrow(() => parseCommandLine(spec, exampleArgs(example)), example);
      }
    }
    const migrate = cli('tools/db.ts', ['migrate', '--help']);
    assert.equal(migrate.code, 0, migrate.err);
    assert.match(migrate.out, /^usage: npm run db -- migrate /m);
  });

  it('answers `db <command> --help` with that command, its options and an example', async () => {
    for (const [command, spec] of Object.entries(DB_CLI.commands ?? {})) {
      const lines: string[] = [];
      assert.equal(await runDbCli([command, '--help'], (line) => lines.push(line)), 0, command);
      const text = lines.join('\n');
      assert.ok(text.includes(spec.usage) && text.includes(spec.summary), text);
      for (const name of spec.options) assert.ok(text.includes(`--${name}`), `${command} --help lists --${name}`);
      assert.ok(text.includes(spec.example), `${command} --help shows its example`);
      const args = parseDbArgs(exampleArgs(spec.example));
      assert.equal(args.command, command, spec.example);
    }
  });

  it('refuses an unknown option on every CLI with one line and exit 2', () => {
    for (const [file, spec] of Object.entries(CLIS)) {
      const r = cli(file, file === 'tools/units.ts' ? ['render', '--no-such-option'] : ['--no-such-option']);
      assertOneLine(r, spec.name, /unknown option --no-such-option/);
    }
    assertOneLine(cli('tools/new_service.ts', ['--name']), 'new-service', /--name/);
  });

  it('units: system units without --run-as, with an unknown account, or before a build are refused, nothing written', () => {
    const out = path.join(dir, 'units');
    const dist = path.join(dir, 'empty-dist');
    fs.mkdirSync(dist);
    const me = os.userInfo().username;
    assertOneLine(cli('tools/units.ts', ['render', '--out', out]), 'units', /--run-as/);
    const nobody = `gh_no_${randomBytes(4).toString('hex')}`;
    assertOneLine(cli('tools/units.ts', ['render', '--run-as', nobody, '--out', out]), 'units', new RegExp(`--run-as ${nobody}`));
    const unbuilt = cli('tools/units.ts', ['render', '--run-as', me, '--dist', dist, '--out', out]);
    assertOneLine(unbuilt, 'units', /\.js is missing: run `npm run build -- --out .+` first/);
    assert.ok(!fs.existsSync(out), 'nothing rendered');
  });

  it('units: the env file option Node takes (`--env-file`) is refused with its new name, through npm', () => {
    const envFile = path.join(dir, 'site.env');
    fs.writeFileSync(envFile, 'LOG_LEVEL=info\n');
    const r = npmRun('units', ['render', '--user', '--env-file', envFile, '--out', path.join(dir, 'x')]);
    assertOneLine(r, 'units', /--env-file is now --service-env/);
  });
});
