import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { BaseConf, extendConfSchema } from '../common/libs/base_conf.js';
import { BaseView } from '../common/libs/base_view.js';
import { compileJsonInput } from '../common/libs/input_check.js';
import { ConfError, loadConf } from '../common/libs/load_conf.js';
import { parseDbArgs } from '../common/libs/migrate/cli_args.js';
import { SchemaBoundError } from '../common/libs/number_bounds.js';
import { mountRoutes } from '../common/libs/router.js';
import { findTextFault } from '../common/libs/text_rule.js';
import { tempDir } from './helper/backends.js';
import { runToExit } from './helper/service_process.js';

class NumbersConf extends BaseConf {
  override SERVER_NAME = 'numbers_svc';
  override SERVER_ID = 'numbers-1';
  override RUN_PORT = 9000;
  override DB = { default: 'sqlite:run_data/numbers.sqlite' };
  RATIO = 0.5;
  static override schema = extendConfSchema(BaseConf.schema, { RATIO: { type: 'number', minimum: 0, maximum: 1 } });
}

/** Integer texts `Number()` would take that the config loader must not. */
const BAD_INTEGER_TEXTS = ['1e3', '0x50', '+80', '080', '80.0', ' 80', '80 ', '', '0b1010', 'Infinity'];

describe('input rules: schemas are refused at start-up without numeric bounds', () => {
  const view = (schema: Record<string, unknown>) =>
    class extends BaseView {
      static override spec = { post: schema };
      async post() {
        return this.answer(null);
      }
    };

  it('refuses to mount a route whose integer has no maximum, or a bound beyond 2^53 - 1, naming route and field', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ query: { type: 'object', properties: { n: { type: 'integer', minimum: 1 } } } }, /POST \/v1\/x query: n: /],
      [{ params: { type: 'object', properties: { id: { type: 'integer', maximum: 9 } } } }, /POST \/v1\/x params: id: /],
      [
        { body: { type: 'object', properties: { list: { type: 'array', items: { type: 'number', minimum: 0 } } } } },
        /POST \/v1\/x body: list: /,
      ],
      [{ body: { type: 'object', properties: { n: { type: 'integer', minimum: 0, maximum: 2 ** 63 } } } }, /MAX_SAFE_INTEGER/],
    ];
    for (const [spec, message] of cases) {
      assert.throws(
        () => mountRoutes(new Hono(), [['/x', view(spec)]], 1),
        (err: Error) => {
          return err instanceof SchemaBoundError && message.test(err.message);
        },
      );
    }
    const bounded = { body: { type: 'object', properties: { n: { type: 'integer', minimum: 0, maximum: 9 } } } };
    assert.equal(mountRoutes(new Hono(), [['/x', view(bounded)]], 1).length, 1);
  });

  it('refuses a WebSocket command schema with an unbounded integer; an enum counts as a bound', () => {
    assert.throws(
      () => compileJsonInput({ type: 'object', properties: { seq: { type: 'integer', minimum: 1 } } }, 'data', 'command ack'),
      /command ack data: seq: an integer field needs an explicit minimum and maximum/,
    );
    compileJsonInput({ type: 'object', properties: { level: { type: 'integer', enum: [1, 2] } } }, 'data', 'command x');
  });

  it('walks JSON nested deeper than the call stack without overflowing', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const fault = findTextFault(deep, 'body');
    assert.equal(fault?.problem, 'must not contain U+0000 (NUL)');
    assert.equal(fault?.field.split('.').length, 200_001);
  });
});

describe('input rules: config integers', () => {
  const dir = tempDir('numbers');
  const none = path.join(dir, 'none');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses integer text that is not plain decimal digits from the environment and .env, naming key and source', () => {
    for (const text of BAD_INTEGER_TEXTS) {
      assert.throws(
        () => loadConf(NumbersConf, { envFile: none, env: { RUN_PORT: text } }),
        (err: Error) =>
          err instanceof ConfError &&
          err.message === 'RUN_PORT: must be an integer written in plain decimal digits (from environment RUN_PORT)',
        JSON.stringify(text),
      );
    }
    const envFile = path.join(dir, '.env');
    fs.writeFileSync(envFile, 'LOG_KEEP_DAYS=0x10\n');
    assert.throws(
      () => loadConf(NumbersConf, { envFile, env: {} }),
      /^ConfError: LOG_KEEP_DAYS: .*\(from .*\.env LOG_KEEP_DAYS\)$/,
    );
    assert.throws(() => loadConf(NumbersConf, { envFile: none, env: { RATIO: '5e-1' } }), /^ConfError: RATIO: must be a number/);
  });

  it('takes plain decimal integers and keeps every integer key inside its range (32-bit when none is declared)', () => {
    const conf = loadConf(NumbersConf, { envFile: none, env: { RUN_PORT: '8080', LOG_KEEP_DAYS: '2147483647', RATIO: '0.25' } });
    assert.equal(conf.RUN_PORT, 8080);
    assert.equal(conf.LOG_KEEP_DAYS, 2_147_483_647);
    assert.equal(conf.RATIO, 0.25);
    assert.throws(() => loadConf(NumbersConf, { envFile: none, env: { LOG_KEEP_DAYS: '2147483648' } }), {
      message: 'LOG_KEEP_DAYS: must be <= 2147483647 (from environment LOG_KEEP_DAYS)',
    });
    assert.throws(() => loadConf(NumbersConf, { envFile: none, env: { RUN_PORT: '-1' } }), /^ConfError: RUN_PORT: must be >= 0/);
  });

  it('refuses 1e400 (Infinity) and fractions in a JSON config file', () => {
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, '{"LOG_KEEP_DAYS": 1e400}');
    assert.throws(() => loadConf(NumbersConf, { configFile: file, envFile: none, env: {} }), {
      message: `LOG_KEEP_DAYS: must be <= 2147483647 (from config file ${file})`,
    });
    fs.writeFileSync(file, '{"RUN_PORT": 80.5}');
    assert.throws(
      () => loadConf(NumbersConf, { configFile: file, envFile: none, env: {} }),
      /^ConfError: RUN_PORT: must be integer/,
    );
    fs.writeFileSync(file, '{"RUN_PORT": 8.08e3}');
    assert.equal(loadConf(NumbersConf, { configFile: file, envFile: none, env: {} }).RUN_PORT, 8080, 'a JSON number is a number');
  });

  it('holds the migration CLI integer flags to the same rule', () => {
    for (const text of ['1e3', '0x10', '+5', '05', '5.0', ' 5', '0', '-1', '2147483648']) {
      for (const flag of ['--steps', '--lock-timeout']) {
        assert.throws(() => parseDbArgs(['downgrade', '-t', 'manage_system', `${flag}=${text}`]), {
          message: `${flag} ${text}: must be a whole number from 1 to 2147483647, in plain decimal digits`,
        });
      }
    }
    assert.equal(parseDbArgs(['downgrade', '-t', 'manage_system', '--steps', '2']).steps, 2);
    assert.equal(parseDbArgs(['upgrade', '-t', 'manage_system', '--lock-timeout', '30']).lockTimeoutMs, 30_000);
  });

  it('takes --sql only with upgrade or downgrade, never with --fake (exit 2)', () => {
    for (const command of ['init', 'init-db', 'migrate', 'history', 'heads']) {
      assert.throws(() => parseDbArgs([command, '-t', 'manage_system', '--sql']), {
        message: '--sql goes with upgrade or downgrade',
        exitCode: 2,
      });
    }
    assert.throws(() => parseDbArgs(['upgrade', '-t', 'manage_system', '--sql', '--fake']), { exitCode: 2 });
    const args = parseDbArgs(['downgrade', '--steps', '2', '-t', 'manage_system', '--sql']);
    assert.deepEqual([args.sql, args.steps, args.argv], [true, 2, ['downgrade', '--steps', '2', '-t', 'manage_system', '--sql']]);
  });

  for (const launcher of ['http_manage_system.ts', 'ws_guidance.ts']) {
    it(`${launcher} exits 78 with one line naming RUN_PORT for RUN_PORT=1e3 and RUN_PORT=0x50`, async function () {
      this.timeout(60_000);
      for (const port of ['1e3', '0x50']) {
        const env = { DB_URL: `sqlite:${dir}/data.sqlite`, REDIS_URL: '', LOG_DIR: `${dir}/logs`, RUN_PORT: port };
        const { code, output } = await runToExit(launcher, env);
        assert.equal(code, 78, `${launcher} RUN_PORT=${port}: ${output}`);
        assert.equal(output.trim().split('\n').length, 1, output);
        assert.match(
          output,
          /^config error: RUN_PORT: must be an integer written in plain decimal digits \(from environment RUN_PORT\)/,
        );
      }
    });
  }

  it('http_manage_system.ts exits 78 with one line naming .env and the line of a line that is not KEY=value', async function () {
    this.timeout(60_000);
    const cwd = path.join(dir, 'dotenv');
    fs.mkdirSync(cwd);
    fs.symlinkSync(path.resolve('node_modules'), path.join(cwd, 'node_modules'));
    fs.writeFileSync(path.join(cwd, '.env'), '# port for this box\nexport LOG_LEVEL=warn\nRUN_PORT 8081\n');
    const env = { DB_URL: `sqlite:${dir}/data.sqlite`, REDIS_URL: '', LOG_DIR: `${dir}/logs` };
    const { code, output } = await runToExit('http_manage_system.ts', env, cwd);
    assert.equal(code, 78, output);
    assert.equal(output.trim().split('\n').length, 1, output);
    assert.equal(output, "config error: .env:3: not a KEY=value line (no '='), a # comment or a blank line\n");
  });
});
