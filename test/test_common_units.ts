import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { ajvStrict } from '../common/libs/ajv.js';
import { BaseConf, extendConfSchema } from '../common/libs/base_conf.js';
import { BaseEnum } from '../common/libs/base_enum.js';
import { BaseView } from '../common/libs/base_view.js';
import { ConfError, loadConf } from '../common/libs/load_conf.js';
import { MultLogger } from '../common/libs/mult_logger.js';
import { notFound, onError } from '../common/libs/on_error.js';
import { redactText, redactValue } from '../common/libs/redact.js';
import { withRequestScope } from '../common/libs/request_scope.js';
import { mountRoutes } from '../common/libs/router.js';
import { StaCode } from '../common/libs/sta_code.js';
import { tableName } from '../common/model_db/table_name.js';
import { tempDir } from './helper/backends.js';

class Colour extends BaseEnum<string> {
  static readonly RED = new Colour('red', 'Red');
  static readonly BLUE = new Colour('blue', 'Blue');
}

class DemoConf extends BaseConf {
  override SERVER_NAME = 'demo_svc';
  override SERVER_ID = 'demo-1';
  override RUN_PORT = 9000;
  override DB = { default: 'sqlite:run_data/demo.sqlite' };
  GREETING = 'hello';
  static override schema = extendConfSchema(BaseConf.schema, { GREETING: { type: 'string', minLength: 2 } });
}

describe('StaCode table', () => {
  it('has unique codes, each with an HTTP status and a message, each documented in README', () => {
    const entries = Object.entries(StaCode);
    assert.equal(new Set(entries.map(([, s]) => s.code)).size, entries.length);
    const readme = fs.readFileSync('README.md', 'utf8');
    for (const [name, s] of entries) {
      assert.ok(s.status >= 200 && s.status < 600 && s.msg.length > 0, name);
      assert.match(readme, new RegExp(`\\| ${s.code} +\\| ${s.status} +\\| \`${name}\` +\\|`), `README row for ${name}`);
    }
  });
});

describe('BaseEnum', () => {
  it('looks members up by value and by label and renders a schema ajv accepts', () => {
    assert.equal(Colour.fromValue('red'), Colour.RED);
    assert.equal(Colour.fromLabel('Blue'), Colour.BLUE);
    assert.equal(Colour.fromValue('green'), undefined);
    assert.deepEqual(Colour.values(), ['red', 'blue']);
    const validate = ajvStrict.compile(Colour.schema());
    assert.ok(validate('blue'));
    assert.ok(!validate('green'));
    assert.equal(JSON.stringify({ c: Colour.RED }), '{"c":"red"}');
  });
});

describe('loadConf', () => {
  const dir = tempDir('conf');
  const file = path.join(dir, 'config.json');
  const envFile = path.join(dir, '.env');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes environment over .env over config file over defaults, prefixed over plain', () => {
    fs.writeFileSync(file, JSON.stringify({ GREETING: 'from-file', RUN_PORT: 9100, LOG_LEVEL: 'debug' }));
    fs.writeFileSync(envFile, 'RUN_PORT=9200\nGREETING=from-dotenv\nDEMO_SVC_HOST=0.0.0.0\n');
    const conf = loadConf(DemoConf, { configFile: file, envFile, env: { RUN_PORT: '9300', DEMO_SVC_RUN_PORT: '9400' } });
    assert.equal(conf.RUN_PORT, 9400);
    assert.equal(conf.GREETING, 'from-dotenv');
    assert.equal(conf.HOST, '0.0.0.0');
    assert.equal(conf.LOG_LEVEL, 'debug');
    assert.equal(conf.VER_CODE, 1);
    assert.ok(Object.isFrozen(conf) && Object.isFrozen(conf.DB));
  });

  it('maps DB_URL and REDIS_URL into the default entries and splits lists', () => {
    const conf = loadConf(DemoConf, {
      envFile: path.join(dir, 'none'),
      env: {
        DB_URL: 'mysql://root@127.0.0.1:3306/x',
        REDIS_URL: 'redis://127.0.0.1:6390',
        CORS_ORIGINS: 'https://a.test, https://b.test',
      },
    });
    assert.equal(conf.DB.default, 'mysql://root@127.0.0.1:3306/x');
    assert.equal(conf.REDIS.default, 'redis://127.0.0.1:6390');
    assert.deepEqual(conf.CORS_ORIGINS, ['https://a.test', 'https://b.test']);
  });

  it('refuses bad values with one message naming the key and where it came from', () => {
    const none = path.join(dir, 'none');
    assert.throws(() => loadConf(DemoConf, { envFile: none, env: { RUN_PORT: 'abc' } }), {
      name: 'ConfError',
      message: 'RUN_PORT: must be an integer written in plain decimal digits (from environment RUN_PORT)',
    });
    assert.throws(
      () => loadConf(DemoConf, { envFile: none, env: { GREETING: 'x' } }),
      /^ConfError: GREETING: must NOT have fewer than 2/,
    );
    assert.throws(() => loadConf(DemoConf, { envFile: none, env: { DB: '{"other":"sqlite:x"}' } }), /DB\.default: is required/);
    fs.writeFileSync(file, JSON.stringify({ NOPE: 1 }));
    assert.throws(
      () => loadConf(DemoConf, { configFile: file, envFile: none, env: {} }),
      (err: Error) => {
        return err instanceof ConfError && err.message === `NOPE: unknown key (from config file ${file})`;
      },
    );
  });

  it('reads .env in the dotenv grammar: export, quotes, comments, empty values, \\n in double quotes', () => {
    const lines = [
      '# a comment line',
      '',
      '   ',
      'export RUN_PORT=9201',
      'LOG_DIR="run_logs/a # not a comment"  # a comment',
      "LOG_LEVEL='warn'",
      'SERVER_ID = demo-2 # after an unquoted value',
      'REDIS_URL=',
      'GREETING="line one\\nline two"',
      "CORS_ORIGINS='https://a.test,",
      "https://b.test'",
      'HOST=`127.0.0.2#x`',
    ];
    fs.writeFileSync(envFile, `${lines.join('\r\n')}\r\n`);
    const conf = loadConf(DemoConf, { envFile, env: {} });
    assert.equal(conf.RUN_PORT, 9201);
    assert.equal(conf.LOG_DIR, 'run_logs/a # not a comment');
    assert.equal(conf.LOG_LEVEL, 'warn');
    assert.equal(conf.SERVER_ID, 'demo-2');
    assert.equal(conf.REDIS.default, '');
    assert.equal(conf.GREETING, 'line one\nline two');
    assert.deepEqual(conf.CORS_ORIGINS, ['https://a.test', 'https://b.test'], 'a quoted value may span lines');
    assert.equal(conf.HOST, '127.0.0.2#x');
  });

  it('refuses any other .env line with one ConfError naming file and line, never quoting the line', () => {
    const cases: [text: string, message: string][] = [
      ['RUN_PORT=9201\n\nRUN_PORT 9300\n', "3: not a KEY=value line (no '='), a # comment or a blank line"],
      ['# ok\nexport\n', "2: not a KEY=value line (no '='), a # comment or a blank line"],
      [
        'GREETING=hi\nmy key=secret-value\n',
        "2: the name before '=' must be letters, digits, '_', '.' or '-' (an optional 'export ' may precede it)",
      ],
      ['GREETING="abc" secret-tail\n', '1: text after the closing " quote (only a # comment may follow)'],
      ['A=1\nGREETING="never closed\nB=2\n', '2: the " quote opened here is never closed'],
    ];
    for (const [text, message] of cases) {
      fs.writeFileSync(envFile, text);
      assert.throws(
        () => loadConf(DemoConf, { envFile, env: {} }),
        (err: Error) => {
          assert.ok(err instanceof ConfError, String(err));
          assert.equal(err.message, `${envFile}:${message}`);
          assert.doesNotMatch(err.message, /secret|9300/);
          return true;
        },
      );
    }
  });
});

describe('redaction', () => {
  it('masks secret keys at any depth and secrets inside text', () => {
    const out = redactValue({ user: 'a', password: 'p1', nested: { access_token: 't1', list: [{ secret: 's' }] } });
    assert.equal(JSON.stringify(out).match(/p1|t1|"s"/), null);
    assert.equal(redactText('Authorization: Bearer abc.def'), 'Authorization: Bearer [redacted]');
    assert.equal(redactText('/v1/guide?token=abc&room=1'), '/v1/guide?token=[redacted]&room=1');
    assert.equal(redactText('{"password":"hunter2"}'), '{"password":"[redacted]"}');
  });
});

describe('tableName rule', () => {
  it('joins tag, type and function and refuses anything else', () => {
    assert.equal(tableName('sys', 'records', 'login'), 'sys_records_login');
    assert.equal(tableName('sys', 'account'), 'sys_account');
    assert.throws(() => tableName('Sys', 'account'));
    assert.throws(() => tableName('sys', 'acc-ount'));
  });
});

describe('router (in-process)', () => {
  class EchoView extends BaseView {
    static override spec = {
      post: {
        body: {
          type: 'object',
          required: ['n'],
          properties: { n: { type: 'integer', minimum: 0, maximum: 100 }, tags: { type: 'array', items: { type: 'string' } } },
        },
        query: { type: 'object', properties: { dry: { type: 'boolean', default: false } } },
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 100 } } },
      },
    };
    async get() {
      return this.answer({ id: this.params<{ id: string }>().id });
    }
    async post() {
      return this.answer({ body: this.body(), query: this.query(), params: this.params() }, { status: 201 });
    }
  }
  const logDir = tempDir('router');
  const log = new MultLogger({ service: 'router_test', dir: logDir, stdout: false });
  const app = new Hono();
  mountRoutes(
    app,
    [
      ['/echo/:id', EchoView],
      ['/v3echo/:id', EchoView, 3],
    ],
    2,
  );
  app.notFound(notFound);
  app.onError(onError(log));
  app.fetch = withRequestScope(app.fetch, { log });
  after(async () => {
    await log.close();
    fs.rmSync(logDir, { recursive: true, force: true });
  });
  const post = (url: string, body: string, type = 'application/json') =>
    app.request(url, { method: 'POST', body, headers: { 'content-type': type } });

  it('mounts at the route version, else the default version', async () => {
    assert.equal((await app.request('/v2/echo/1')).status, 200);
    assert.equal((await app.request('/v3/v3echo/1')).status, 200);
    assert.equal((await app.request('/echo/1')).status, 404);
  });

  it('validates and coerces params and query, and passes a strict body through', async () => {
    const res = await post('/v2/echo/7?dry=true', '{"n": 3, "tags": ["a"]}');
    assert.equal(res.status, 201);
    const { data } = (await res.json()) as { data: unknown };
    assert.deepEqual(data, { body: { n: 3, tags: ['a'] }, query: { dry: true }, params: { id: 7 } });
  });

  it('does not coerce body types and names nested fields', async () => {
    const res = await post('/v2/echo/7', '{"n": "3"}');
    assert.equal(res.status, 422);
    assert.equal(((await res.json()) as { msg: string }).msg, 'body.n: must be integer');
    const nested = await post('/v2/echo/7', '{"n": 3, "tags": [1]}');
    assert.equal(((await nested.json()) as { msg: string }).msg, 'body.tags.0: must be string');
  });

  it('keeps __proto__ keys from reaching the object prototype', async () => {
    const res = await post('/v2/echo/7', '{"n": 1, "__proto__": {"polluted": true}}');
    assert.equal(res.status, 422);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('answers 405 with Allow for a verb the view lacks', async () => {
    const res = await app.request('/v2/echo/1', { method: 'DELETE' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET, POST, HEAD');
    assert.equal(((await res.json()) as { code: number }).code, StaCode.METHOD_NOT_ALLOWED.code);
  });
});
