import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { BACKEND_NAMES, type Backend, needServices, openBackend, tempDir } from './helper/backends.js';
import { guideUrl, uniqueRoom } from './helper/guidance_suite.js';
import { client } from './helper/http_client.js';
import { type ServiceProcess, startService } from './helper/service_process.js';
import { GuideClient } from './helper/ws_client.js';

/** Runs a printed `npm run db -- ...` command as printed, from the project root, on `env`'s database. */
function runPrinted(command: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const [bin, ...args] = command.split(' ');
  const proc = spawn(bin!, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, out })));
}

for (const name of BACKEND_NAMES) {
  describe(`first start, as the README promises [${name}]`, function () {
    this.timeout(180_000);
    let backend: Backend;
    const running: ServiceProcess[] = [];
    const password = `pw-${randomBytes(6).toString('hex')}`;
    let env: Record<string, string>;

    beforeEach(async function () {
      if (name === 'mysql') await needServices(this);
      backend = await openBackend(name);
      env = { ...backend.env, LOG_DIR: tempDir('logs'), ADMIN_PASSWORD: password };
    });

    afterEach(async () => {
      for (const svc of running.splice(0)) await svc.stop();
      await backend?.teardown();
    });

    const start = async (launcher: string, extra: Record<string, string> = {}) => {
      const svc = await startService(launcher, { ...env, ...extra });
      running.push(svc);
      return svc;
    };
    const signIn = async (url: string) => {
      const res = await client(url)('POST', '/v1/auth/login', { body: { username: 'admin', password } });
      assert.equal(res.status, 200, res.text);
      return res.body.data.token as string;
    };

    it('manage_system alone takes guidance messages; guidance_ws started later serves them', async () => {
      const manage = await start('http_manage_system.ts');
      const token = await signIn(manage.url);
      const room = uniqueRoom('first');
      const post = await client(manage.url)('POST', `/v1/guidance/rooms/${room}/messages`, {
        token,
        body: { body: 'before any gateway' },
      });
      assert.equal(post.status, 201, post.text);
      assert.equal(post.body.data.seq, 1);

      const gateway = await start('ws_guidance.ts');
      const ws = await GuideClient.connect(guideUrl(gateway), { token });
      try {
        assert.equal((await ws.request('join', { room, since: 0 })).code, 0);
        const got = await ws.waitForSeq(room, 1);
        assert.deepEqual(
          got.map((g) => [g.seq, g.body]),
          [[1, 'before any gateway']],
        );
      } finally {
        ws.ws.close();
      }
    });

    it('with DB_AUTO_MIGRATE off, the 503 of a missing table prints a command that fixes it as printed', async () => {
      const own = await runPrinted('npm run db -- upgrade -t manage_system', backend.env);
      assert.equal(own.code, 0, own.out);
      const manage = await start('http_manage_system.ts', { DB_AUTO_MIGRATE: 'false' });
      const call = client(manage.url);
      const token = await signIn(manage.url);
      const path = `/v1/guidance/rooms/${uniqueRoom('hint')}/messages`;
      const refused = await call('POST', path, { token, body: { body: 'x' } });
      assert.equal(refused.status, 503, refused.text);
      const hint = /(npm run db -- [^)`]+)/.exec(refused.body.msg)?.[1];
      assert.ok(hint, `a command in: ${refused.body.msg}`);
      const fixed = await runPrinted(hint.trim(), backend.env);
      assert.equal(fixed.code, 0, `${hint}: ${fixed.out}`);
      const post = await call('POST', path, { token, body: { body: 'after the hint' } });
      assert.equal(post.status, 201, post.text);
      // without -t, history lists every service, each under its name
      const history = await runPrinted('npm run db -- history', backend.env);
      assert.equal(history.code, 0, history.out);
      for (const service of ['guidance_ws', 'manage_system'])
        assert.match(history.out, new RegExp(`^${service}:\\n(applied .*\\n)+`, 'm'));
    });
  });
}
