import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { tempDir } from './helper/backends.js';
import { client } from './helper/http_client.js';
import { failedBefore, Load, now, type Shot } from './helper/load.js';
import { type ServiceProcess, startService } from './helper/service_process.js';
import { until } from './helper/wait.js';

const PASSWORD = 'graceful-pw';

/** Resolves once the process printed `text` (the primary's "N workers ready", say). */
async function waitForOutput(svc: ServiceProcess, text: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!svc.output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`no "${text}" in ${timeoutMs} ms:\n${svc.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the load has had `count` answers, so the signal lands in full traffic. */
async function warmUp(load: Load, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (load.shots.filter((s) => s.status === 200).length < count && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

function describeFailures(failures: Shot[]): string {
  return failures
    .slice(0, 5)
    .map((f) => `${f.path} ${f.status ?? f.error}`)
    .join(', ');
}

describe('graceful stop under load', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  const envFor = (workers: number) => {
    const dir = tempDir('graceful');
    dirs.push(dir);
    return {
      DB_URL: `sqlite:${dir}/data.sqlite`,
      REDIS_URL: '',
      LOG_DIR: `${dir}/logs`,
      ADMIN_PASSWORD: PASSWORD,
      RUN_WORKER: String(workers),
    };
  };
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function startLoaded(env: Record<string, string>, workers: number) {
    const svc = await startService('http_manage_system.ts', env, 60_000);
    if (workers > 1) await waitForOutput(svc, `${workers} workers ready`);
    const login = await client(svc.url)('POST', '/v1/auth/login', { body: { username: 'admin', password: PASSWORD } });
    assert.equal(login.status, 200, login.text);
    const auth = { authorization: `Bearer ${login.body.data.token}` };
    const load = new Load(svc.port, {
      concurrency: 24,
      requests: [
        { path: '/v1/auth/me', headers: auth },
        { path: '/health' },
        { path: '/v1/accounts?page=1&page_size=5', headers: auth },
        // hashing the new password (scrypt) makes it slow: some are always in flight at the signal
        {
          path: '/v1/accounts',
          headers: auth,
          body: () => ({ username: `load${randomBytes(5).toString('hex')}`, password: PASSWORD, role: 'viewer' }),
        },
      ],
    });
    await warmUp(load, 300);
    return { svc, load };
  }

  for (const workers of [1, 2]) {
    it(`answers every request sent before SIGTERM, then exits 0 (RUN_WORKER=${workers})`, async () => {
      const { svc, load } = await startLoaded(envFor(workers), workers);
      const signalAt = now();
      const code = await svc.stop('SIGTERM');
      // the load goes on against the stopped port until one of its requests has been refused
      const refusedAfter = () => load.shots.some((s) => s.sentAt > signalAt && s.error);
      await until(async () => refusedAfter(), 15_000, 20);
      const shots = await load.stop();

      assert.equal(code, 0, svc.output());
      const failures = failedBefore(shots, signalAt);
      assert.equal(
        failures.length,
        0,
        `${failures.length} requests sent before the signal failed: ${describeFailures(failures)}`,
      );
      assert.ok(
        shots.some((s) => s.sentAt < signalAt && s.doneAt > signalAt && s.status === 200),
        'no request was in flight at the signal',
      );
      assert.ok(
        shots.some((s) => s.sentAt > signalAt && s.error),
        'requests after the signal should be refused',
      );
    });
  }

  it('loses no request sent before the stop when restarted the systemd way (stop, then start)', async () => {
    const env = envFor(1);
    const { svc, load } = await startLoaded(env, 1);
    const signalAt = now();
    assert.equal(await svc.stop('SIGTERM'), 0, svc.output());
    const again = await startService('http_manage_system.ts', { ...env, RUN_PORT: String(svc.port) }, 60_000);
    const restartedAt = now();
    try {
      const servedAgain = () => load.shots.some((s) => s.sentAt > restartedAt && s.status === 200);
      await until(async () => servedAgain(), 15_000, 20);
      const shots = await load.stop();
      const failures = failedBefore(shots, signalAt);
      assert.equal(failures.length, 0, `${failures.length} requests sent before the stop failed: ${describeFailures(failures)}`);
      assert.ok(
        shots.some((s) => s.sentAt > restartedAt && s.status === 200),
        'no request succeeded after the restart',
      );
    } finally {
      await again.stop();
    }
  });
});
