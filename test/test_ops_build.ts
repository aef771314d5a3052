import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tempDir } from './helper/backends.js';
import { client } from './helper/http_client.js';
import { freePort } from './helper/ports.js';

describe('compiled launcher (npm run build)', function () {
  this.timeout(180_000);
  // Inside the project, so the compiled code finds node_modules; a private folder per run.
  const out = path.join('node_modules', '.cache', `gatehouse-build-${randomBytes(4).toString('hex')}`);
  const data = tempDir('dist');
  let proc: ChildProcess | undefined;
  after(() => {
    proc?.kill('SIGKILL');
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(data, { recursive: true, force: true });
  });

  it('builds to JavaScript that starts with plain node, two workers included, and stops with 0', async () => {
    const build = spawnSync(process.execPath, ['--import', 'tsx/esm', 'tools/build.ts', '--out', out], { encoding: 'utf8' });
    assert.equal(build.status, 0, build.stdout + build.stderr);
    // The gateway in dist/ serves the bundle the build wrote, where its compiled code looks.
    const bundle = path.resolve(out, 'guidance_ws/client/guidance.bundle.js');
    const served = await import(pathToFileURL(path.resolve(out, 'guidance_ws/interface/client_module.js')).href);
    assert.equal(fs.realpathSync(served.CLIENT_BUNDLE), fs.realpathSync(bundle));
    assert.equal(typeof (await import(pathToFileURL(bundle).href)).GuidanceClient, 'function');
    const port = await freePort();
    proc = spawn(process.execPath, [path.join(out, 'http_manage_system.js')], {
      env: {
        PATH: process.env.PATH,
        RUN_PORT: String(port),
        RUN_WORKER: '2',
        DB_URL: `sqlite:${data}/data.sqlite`,
        LOG_DIR: `${data}/logs`,
        ADMIN_PASSWORD: 'dist-password',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    proc.stdout?.on('data', (d) => (output += d));
    proc.stderr?.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => proc!.once('exit', resolve));
    const deadline = Date.now() + 60_000;
    while (!output.includes('2 workers ready')) {
      assert.ok(Date.now() < deadline && proc.exitCode === null, `no "2 workers ready":\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const call = client(`http://127.0.0.1:${port}`);
    assert.equal((await call('GET', '/health')).status, 200);
    const login = await call('POST', '/v1/auth/login', { body: { username: 'admin', password: 'dist-password' } });
    assert.equal(login.status, 200, login.text);
    proc.kill('SIGTERM');
    assert.equal(await exited, 0, output);
  });
});
