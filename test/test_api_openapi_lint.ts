import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { BaseConf } from '../common/libs/base_conf.js';
import type { MethodSpec } from '../common/libs/base_view.js';
import { operationIdOf } from '../common/libs/openapi.js';
import { mountRoutes, type Route } from '../common/libs/router.js';
import { publicUrl, serviceOpenApi } from '../common/libs/service_openapi.js';
import { coreFiles } from '../tools/scaffold/templates_core.js';
import { httpFiles } from '../tools/scaffold/templates_http.js';
import { tempDir } from './helper/backends.js';

/**
 * The documents are built in-process, by the function `createHttpApp` serves at
 * `/openapi.json`, from each service's real ROUTES and config (a scaffolded one included),
 * and linted in one `redocly lint` run. test_api_openapi_answers.ts checks them against a
 * running launcher.
 */

type Doc = ReturnType<typeof serviceOpenApi>;
// biome-ignore lint/suspicious/noExplicitAny: a JSON document walked by path
type Json = Record<string, any>;

interface ServiceModules {
  conf: Readonly<BaseConf>;
  routes: readonly Route[];
  isSecured?: (spec: MethodSpec) => boolean;
}

function documentOf({ conf, routes, isSecured }: ServiceModules): { doc: Doc; mounted: ReturnType<typeof mountRoutes> } {
  const mounted = mountRoutes(new Hono(), routes, conf.VER_CODE);
  return { doc: serviceOpenApi(conf, mounted, { isSecured }), mounted };
}

/** A scaffolded HTTP service, written to a sandbox that shares this project's `common` and `node_modules`. */
async function scaffoldedService(sandbox: string): Promise<ServiceModules> {
  const plan = { name: 'shop_api', kind: 'http' as const, port: 9399, serverId: 'shop-api-1', tag: 'shp' };
  for (const file of [...coreFiles(plan), ...httpFiles(plan)]) {
    fs.mkdirSync(path.join(sandbox, path.dirname(file.path)), { recursive: true });
    fs.writeFileSync(path.join(sandbox, file.path), file.text);
  }
  fs.symlinkSync(path.resolve('common'), path.join(sandbox, 'common'));
  fs.symlinkSync(path.resolve('node_modules'), path.join(sandbox, 'node_modules'));
  const pkg = path.join(sandbox, plan.name);
  const [{ sysConf }, { ROUTES }, { isSecured }] = await Promise.all([
    import(path.join(pkg, 'config/index.ts')),
    import(path.join(pkg, 'uri_router.ts')),
    import(path.join(pkg, 'api_base.ts')),
  ]);
  return { conf: sysConf, routes: ROUTES, isSecured };
}

interface LintReport {
  errors: number;
  warnings: number;
  problems: string[];
}

/** One `redocly lint` run over every file, with the committed config and telemetry off. */
function lint(files: string[]): LintReport {
  const res = spawnSync(
    path.resolve('node_modules/.bin/redocly'),
    ['lint', '--config', 'redocly.yaml', '--lint-config', 'error', '--format', 'json', ...files],
    {
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_NOTIFICATIONS: 'true' },
    },
  );
  // One JSON report per file, one after the other.
  const reports = res.stdout.split(/(?<=\})\s*(?=\{\s*"totals")/).filter((part) => part.trim());
  assert.equal(reports.length, files.length, `redocly printed:\n${res.stdout}\n${res.stderr}`);
  const out: LintReport = { errors: 0, warnings: 0, problems: [] };
  for (const report of reports.map((part) => JSON.parse(part))) {
    out.errors += report.totals.errors;
    out.warnings += report.totals.warnings;
    for (const p of report.problems)
      out.problems.push(`${p.location[0]?.source.ref}${p.location[0]?.pointer}: ${p.ruleId} ${p.message}`);
  }
  return out;
}

function operations(doc: Doc): { where: string; op: Json }[] {
  return Object.entries(doc.paths).flatMap(([p, item]) =>
    Object.entries(item).map(([verb, op]) => ({ where: `${verb.toUpperCase()} ${p}`, op: op as Json })),
  );
}

function resolve(doc: Doc, node: Json): Json {
  const ref = node.$ref as string | undefined;
  if (!ref) return node;
  return resolve(
    doc,
    ref
      .slice(2)
      .split('/')
      .reduce((at: Json, key) => at[key], doc as Json),
  );
}

describe('OpenAPI documents', function () {
  this.timeout(60_000);
  let sandbox: string;
  const docs = new Map<string, Doc>();
  let manage: { doc: Doc; mounted: ReturnType<typeof mountRoutes> };
  let manageConf: Readonly<BaseConf>;

  before(async () => {
    sandbox = tempDir('openapi');
    const [manageConfModule, manageRouter, manageBase, guidanceConf, guidanceMain] = await Promise.all([
      import('../manage_system/config/index.js'),
      import('../manage_system/uri_router.js'),
      import('../manage_system/api_base.js'),
      import('../guidance_ws/config/index.js'),
      import('../guidance_ws/api_main.js'),
    ]);
    manageConf = manageConfModule.sysConf;
    manage = documentOf({ conf: manageConf, routes: manageRouter.ROUTES, isSecured: manageBase.isSecured });
    docs.set('manage_system', manage.doc);
    docs.set('guidance_ws', documentOf({ conf: guidanceConf.sysConf, routes: guidanceMain.ROUTES }).doc);
    docs.set('shop_api', documentOf(await scaffoldedService(sandbox)).doc);
  });

  after(() => fs.rmSync(sandbox, { recursive: true, force: true }));

  it('lint clean with the recommended rules: 0 errors and 0 warnings for every service', () => {
    const files = [...docs].map(([name, doc]) => {
      const file = path.join(sandbox, `${name}.openapi.json`);
      fs.writeFileSync(file, JSON.stringify(doc, null, 2));
      return file;
    });
    const report = lint(files);
    assert.deepEqual(report.problems, []);
    assert.equal(report.errors, 0);
    assert.equal(report.warnings, 0);
  });

  it('names each view operation by verb and class (`AccountListView.post` -> `postAccountList`)', () => {
    assert.equal(operationIdOf('AccountListView', 'post'), 'postAccountList');
    assert.equal(operationIdOf('AccountView', 'get', 2), 'getAccountV2');
    let checked = 0;
    for (const { path: p, view, verbs, version } of manage.mounted) {
      for (const verb of verbs) {
        const op = (manage.doc.paths[p.replace(/:(\w+)/g, '{$1}')] as Json)[verb];
        assert.equal(op.operationId, operationIdOf(view.name, verb, version), `${verb} ${p}`);
        checked++;
      }
    }
    assert.ok(checked >= 12, `only ${checked} view operations`);
  });

  it('declares the shared errors on every operation, 401 and 403 on secured ones, `security: []` on public ones', () => {
    for (const [name, doc] of docs) {
      for (const { where, op } of operations(doc)) {
        for (const status of ['400', '413', '415', '422', '500', '503']) {
          assert.ok(op.responses[status], `${name} ${where} lacks ${status}`);
        }
        const secured = op.security.length > 0;
        assert.equal(secured && 'bearer' in op.security[0], secured, `${name} ${where} security`);
        if (secured) for (const status of ['401', '403']) assert.ok(op.responses[status], `${name} ${where} lacks ${status}`);
      }
    }
    const login = (manage.doc.paths['/v1/auth/login'] as Json).post;
    assert.deepEqual(login.security, []);
    assert.deepEqual((manage.doc.paths['/v1/accounts'] as Json).get.security, [{ bearer: [] }]);
  });

  it('answers 404 and 409 where the view can, with the business code in the schema', () => {
    const account = manage.doc.paths['/v1/accounts/{id}'] as Json;
    for (const verb of ['get', 'patch', 'delete']) assert.ok(account[verb].responses['404'], `${verb} /accounts/{id}`);
    const conflict = resolve(manage.doc, (manage.doc.paths['/v1/accounts'] as Json).post.responses['409']);
    const schema = conflict.content['application/json'].schema;
    assert.equal(schema.allOf[1].properties.code.const, 16);
  });

  it('types `data` of every enveloped answer', () => {
    for (const [name, doc] of docs) {
      for (const { where, op } of operations(doc)) {
        const [status, ok] = Object.entries(op.responses as Json).find(([s]) => s.startsWith('2')) ?? [];
        assert.ok(ok, `${name} ${where} has no 2xx`);
        const json = ok.content['application/json']?.schema;
        if (!json?.allOf) continue; // not the envelope (the CSV export, /openapi.json)
        const data = json.allOf[1].properties.data;
        assert.ok(data.$ref || data.type || data.const, `${name} ${where} ${status}: untyped data`);
      }
    }
  });

  it('shows every request body as refusing unknown fields', () => {
    let bodies = 0;
    for (const [name, doc] of docs) {
      for (const { where, op } of operations(doc)) {
        if (!op.requestBody) continue;
        const schema = resolve(doc, op.requestBody.content['application/json'].schema);
        assert.equal(schema.additionalProperties, false, `${name} ${where}`);
        bodies++;
      }
    }
    assert.ok(bodies >= 4, `only ${bodies} request bodies`);
  });

  it('tags each operation with its resource, every tag declared and described', () => {
    for (const [name, doc] of docs) {
      const declared = new Map(doc.tags.map((t) => [t.name, t.description]));
      for (const { where, op } of operations(doc)) {
        assert.equal(op.tags.length, 1, `${name} ${where}`);
        assert.ok(declared.get(op.tags[0]), `${name} ${where}: tag ${op.tags[0]} undeclared`);
      }
    }
    const tagOf = (p: string, verb: string) => (manage.doc.paths[p] as Json)[verb].tags[0];
    assert.equal(tagOf('/v1/accounts', 'get'), tagOf('/v1/accounts/{id}', 'delete'));
    assert.notEqual(tagOf('/v1/accounts', 'get'), tagOf('/v1/auth/login', 'post'));
    assert.equal(tagOf('/health', 'get'), tagOf('/openapi.json', 'get'));
  });

  it('describes the login record export as text/csv', () => {
    const ok = (manage.doc.paths['/v1/records/login/export'] as Json).get.responses['200'];
    assert.deepEqual(Object.keys(ok.content), ['text/csv']);
  });

  it('lists PUBLIC_URL as the server when set, else the listen address', () => {
    const conf = (keys: Partial<BaseConf>) => Object.assign(new BaseConf(), { RUN_PORT: 8123, ...keys });
    assert.equal(publicUrl(conf({ PUBLIC_URL: 'https://api.example.org/' })), 'https://api.example.org');
    assert.equal(publicUrl(conf({ HOST: '10.0.0.5' })), 'http://10.0.0.5:8123');
    assert.equal(publicUrl(conf({ HOST: '0.0.0.0' })), 'http://localhost:8123');
    assert.equal(publicUrl(conf({ HOST: '::1' })), 'http://[::1]:8123');
    assert.deepEqual(manage.doc.servers, [{ url: publicUrl(manageConf) }]);
  });
});
