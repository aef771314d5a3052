import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { tempDir } from './helper/backends.js';
import { type ServiceProcess, startService } from './helper/service_process.js';

const WORKERS = 2;

async function waitUntil(test: () => boolean, what: string, svc: ServiceProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`no ${what} in ${timeoutMs} ms:\n${svc.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

/** GET /health on a new connection each time (a kept-alive one would stick to one worker). */
function health(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ port, host: '127.0.0.1', path: '/health', agent: false }, (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
      })
      .once('error', reject);
  });
}

describe(`RUN_WORKER=${WORKERS}`, function () {
  this.timeout(90_000);
  const dir = tempDir('workers');
  let svc: ServiceProcess;

  before(async () => {
    svc = await startService(
      'http_manage_system.ts',
      {
        DB_URL: `sqlite:${dir}/data.sqlite`,
        REDIS_URL: '',
        LOG_DIR: `${dir}/logs`,
        ADMIN_PASSWORD: 'workers-password',
        RUN_WORKER: String(WORKERS),
      },
      60_000,
    );
    await waitUntil(() => svc.output().includes(`${WORKERS} workers ready`), 'workers ready', svc);
  });
  after(async () => {
    const code = await svc?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 0, svc.output());
  });

  it('serves one port from several processes and replaces a worker that dies', async () => {
    const pids = () =>
      [...svc.output().matchAll(/worker (\d+) started \(pid (\d+)\)/g)].map((m) => [m[1], Number(m[2])] as const);
    assert.equal(new Set(pids().map(([, pid]) => pid)).size, WORKERS);
    const [index, victim] = pids()[0]!;
    process.kill(victim, 'SIGKILL');
    await waitUntil(() => svc.output().includes(`worker ${index} (pid ${victim}) died with signal SIGKILL`), 'death notice', svc);
    await waitUntil(() => count(svc.output(), `${WORKERS} workers ready`) === 2, 'second "workers ready"', svc);
    const replacement = pids()
      .filter(([i]) => i === index)
      .at(-1)![1];
    assert.notEqual(replacement, victim);
    const statuses = await Promise.all(Array.from({ length: 20 }, () => health(svc.port)));
    assert.deepEqual(
      statuses,
      statuses.map(() => 200),
    );
    assert.ok(svc.proc.exitCode === null, 'the primary lives on');
  });

  it('relays SIGHUP to every worker', async () => {
    const before = count(svc.output(), 'SIGHUP: reloaded');
    svc.proc.kill('SIGHUP');
    // the primary reloads its own logger too
    await waitUntil(() => count(svc.output(), 'SIGHUP: reloaded') >= before + WORKERS + 1, 'reload lines', svc);
  });
});
