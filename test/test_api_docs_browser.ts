import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { swaggerUiDir } from '../common/libs/api_docs.js';
import { BaseConf } from '../common/libs/base_conf.js';
import { createHttpApp } from '../common/libs/http_app.js';
import { loadConf } from '../common/libs/load_conf.js';
import { MultLogger } from '../common/libs/mult_logger.js';
import { BACKEND_NAMES, type Backend, needServices, openBackend, REQUIRE_SERVICES, tempDir } from './helper/backends.js';
import { type Call, client } from './helper/http_client.js';
import { watchLogDir, watchSecret } from './helper/secret_watch.js';
import { type ServiceProcess, startService } from './helper/service_process.js';

/** Debian's package; playwright-core downloads no browser. */
const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags a closed network refuses many connections at launch.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const VERBS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** `GET /v1/auth/me`-style lines, one per operation of an OpenAPI document, sorted. */
function operationsOf(doc: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(doc.paths)
    .flatMap(([p, item]) =>
      Object.keys(item)
        .filter((k) => VERBS.has(k))
        .map((verb) => `${verb.toUpperCase()} ${p}`),
    )
    .sort();
}

/** The asset URLs the page links (stylesheet, icon, scripts), as written in its HTML. */
const assetRefs = (html: string) => [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1] as string);

class DocsConf extends BaseConf {
  override SERVER_NAME = 'docs_demo';
  override SERVER_ID = 'docs-1';
  override DB = { default: 'sqlite::memory:' };
}

describe('API_DOCS turns /openapi.json and /docs off', () => {
  const dir = tempDir('docs');
  const log = new MultLogger({ service: 'docs_demo', dir, stdout: false });
  const appWith = (env: Record<string, string>) =>
    createHttpApp({ conf: loadConf(DocsConf, { env, envFile: `${dir}/none.env` }), log, routes: [] }).app;

  after(() => log.close());

  it('answers /openapi.json, /docs and its assets 404 in the envelope with API_DOCS=false, 200 by default', async () => {
    const on = appWith({});
    const page = await on.request('/docs');
    assert.equal(page.status, 200);
    const asset = assetRefs(await page.text()).find((ref) => ref.endsWith('.js'));
    assert.ok(asset, 'the page links a script');
    const paths = ['/openapi.json', '/docs', `/${asset}`];
    for (const p of paths) assert.equal((await on.request(p)).status, 200, `${p} with API_DOCS on`);

    const off = appWith({ API_DOCS: 'false' });
    for (const p of paths) {
      const res = await off.request(p);
      assert.equal(res.status, 404, p);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      const body = (await res.json()) as { code: number; msg: string; data: unknown; request_id: string };
      assert.equal(body.code, 404);
      assert.equal(body.msg, `no route for GET ${p}`);
      assert.equal(body.data, null);
      assert.equal(typeof body.request_id, 'string');
    }
  });
});

for (const name of BACKEND_NAMES) {
  describe(`/docs on manage_system [${name}]`, () => {
    let backend: Backend;
    let svc: ServiceProcess;
    let call: Call;
    let token: string;
    const adminPassword = `pw-docs-${Date.now().toString(36)}`;

    before(async function () {
      this.timeout(60_000);
      if (name === 'mysql') await needServices(this);
      backend = await openBackend(name);
      const logDir = tempDir('logs');
      watchLogDir(logDir);
      watchSecret(adminPassword);
      svc = await startService('http_manage_system.ts', { ...backend.env, LOG_DIR: logDir, ADMIN_PASSWORD: adminPassword });
      call = client(svc.url);
      const login = await call('POST', '/v1/auth/login', { body: { username: 'admin', password: adminPassword } });
      assert.equal(login.status, 200, login.text);
      token = login.body.data.token;
      watchSecret(token);
    });

    after(async function () {
      this.timeout(30_000);
      await svc?.stop();
      await backend?.teardown();
    });

    it('serves the page with its own CSP, and the swagger-ui-dist files typed and cached for a year', async () => {
      const page = await call('GET', '/docs');
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html; charset=utf-8$/i);
      const csp = page.headers.get('content-security-policy') ?? '';
      for (const directive of ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) {
        assert.ok(csp.split('; ').includes(directive), `${directive} in ${csp}`);
      }
      assert.doesNotMatch(csp, /unsafe-|https?:|\*/);

      const refs = assetRefs(page.text);
      const types: Record<string, RegExp> = { css: /^text\/css/, js: /^text\/javascript/, png: /^image\/png$/ };
      const served = new Set<string>();
      for (const ref of refs) {
        const url = new URL(ref, `${svc.url}/docs`);
        assert.equal(url.origin, svc.url, ref);
        const name = path.basename(url.pathname);
        const res = await fetch(url);
        assert.equal(res.status, 200, ref);
        assert.match(res.headers.get('content-type') ?? '', types[path.extname(name).slice(1)] as RegExp, ref);
        assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable', ref);
        const body = Buffer.from(await res.arrayBuffer());
        const packaged = path.join(swaggerUiDir(), name);
        if (fs.existsSync(packaged)) {
          assert.ok(body.equals(fs.readFileSync(packaged)), `${ref} is the package's ${name}`);
          served.add(name);
        }
        const etag = res.headers.get('etag') ?? '';
        assert.ok(etag, ref);
        const again = await fetch(url, { headers: { 'if-none-match': etag } });
        assert.equal(again.status, 304, ref);
      }
      assert.deepEqual([...served].sort(), ['favicon-32x32.png', 'swagger-ui-bundle.js', 'swagger-ui.css']);

      const unknown = await call('GET', '/docs/0000/swagger-ui-bundle.js');
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.code, 404);
    });

    describe('in Chromium', () => {
      let browser: Browser;
      let context: BrowserContext;
      let page: Page;
      const requests: { url: string; authorization?: string }[] = [];

      before(async function () {
        this.timeout(30_000);
        if (!fs.existsSync(CHROMIUM)) {
          if (REQUIRE_SERVICES) throw new Error(`REQUIRE_SERVICES=1 but ${CHROMIUM} is missing (apt-get install chromium)`);
          console.warn(`      skipped: ${CHROMIUM} is missing (apt-get install chromium)`);
          this.skip();
        }
        browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
        context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        // violations the page's CSP blocks, recorded by the page itself
        await context.addInitScript({
          content: `window.cspViolations = [];
            document.addEventListener('securitypolicyviolation', (e) => cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`,
        });
        context.on('request', (r) => requests.push({ url: r.url(), authorization: r.headers().authorization }));
        page = await context.newPage();
        await page.goto(`${svc.url}/docs`);
      });

      after(async () => {
        await browser?.close();
      });

      afterEach(async () => {
        assert.deepEqual(await page.evaluate('cspViolations'), []);
        assert.deepEqual(
          requests.filter((r) => !r.url.startsWith(`${svc.url}/`)).map((r) => r.url),
          [],
          'every request goes to the service',
        );
      });

      it('lists every operation of /openapi.json', async () => {
        const doc = await call('GET', '/openapi.json');
        const expected = operationsOf(doc.body);
        await page.locator('.opblock').first().waitFor();
        const listed = await page
          .locator('.opblock-summary')
          .evaluateAll((summaries) =>
            summaries.map(
              (s) =>
                `${s.querySelector('.opblock-summary-method')?.textContent} ${s.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`,
            ),
          );
        assert.ok(expected.length > 0);
        assert.equal(listed.length, expected.length);
        assert.deepEqual(listed.sort(), expected);
      });

      it('sends no token until one is entered in Authorize; then "try it" on GET /v1/auth/me shows 200', async function () {
        this.timeout(30_000);
        const me = page.locator('.opblock-get', { has: page.locator('.opblock-summary-path[data-path="/v1/auth/me"]') });
        const status = me.locator('.live-responses-table tbody .response-col_status');
        const sentToMe = () => requests.filter((r) => new URL(r.url).pathname === '/v1/auth/me');
        await me.locator('.opblock-summary-control').click();
        await me.getByRole('button', { name: 'Try it out' }).click();

        await me.getByRole('button', { name: 'Execute' }).click();
        await status.first().waitFor();
        assert.deepEqual(await status.allInnerTexts(), ['401']);
        assert.equal(sentToMe().length, 1);
        assert.equal(sentToMe()[0]?.authorization, undefined);

        await page.locator('.auth-wrapper .btn.authorize').click();
        const dialog = page.locator('.modal-ux');
        await dialog.getByLabel('auth-bearer-value').fill(token);
        await dialog.getByRole('button', { name: 'Apply credentials' }).click();
        await dialog.getByRole('button', { name: 'Close' }).click();
        await me.getByRole('button', { name: 'Execute' }).click();
        await me.locator('.live-responses-table tbody .response-col_status', { hasText: '200' }).waitFor();
        assert.deepEqual(await status.allInnerTexts(), ['200']);
        assert.equal(sentToMe().length, 2);
        assert.equal(sentToMe()[1]?.authorization, `Bearer ${token}`);
        const shown = JSON.parse(
          (await me.locator('.live-responses-table .response-col_description pre').first().textContent()) ?? '',
        );
        assert.equal(shown.code, 0);
        assert.equal(shown.data.account.username, 'admin');
        assert.equal(await page.evaluate('localStorage.length'), 0, 'the token is not kept in the browser');

        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gh-docs-')), 'docs.png');
        await page.screenshot({ path: file, fullPage: true });
        assert.ok(fs.statSync(file).size > 10_000);
        console.log(`      screenshot: ${file}`);
      });
    });
  });
}
