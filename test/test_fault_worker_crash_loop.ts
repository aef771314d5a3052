import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { tempDir } from './helper/backends.js';
import { readLogs } from './helper/log_files.js';
import { freePort } from './helper/ports.js';
import { runToExit, type ServiceProcess, startService } from './helper/service_process.js';

const EX_CRASH_LOOP = 75;

async function waitUntil(test: () => boolean, what: string, svc: ServiceProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`no ${what} in ${timeoutMs} ms:\n${svc.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

/** The pid each worker index runs under now (the last "started" line per index). */
function workerPids(svc: ServiceProcess): Map<string, number> {
  return new Map([...svc.output().matchAll(/worker (\d+) started \(pid (\d+)\)/g)].map((m) => [m[1]!, Number(m[2])]));
}

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

describe('RUN_WORKER=2: a crash loop ends, an occasional crash does not', function () {
  this.timeout(300_000);
  const dirs: string[] = [];
  const dir = () => {
    const d = tempDir('crashloop');
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it(`stops its workers and exits ${EX_CRASH_LOOP} with one line saying why when the database is unreachable`, async () => {
    const closedPort = await freePort();
    const logDir = `${dir()}/logs`;
    const { code, output } = await runToExit('http_manage_system.ts', {
      DB_URL: `mysql://root@127.0.0.1:${closedPort}/gh_unreachable`,
      REDIS_URL: '',
      LOG_DIR: logDir,
      ADMIN_PASSWORD: 'crash-loop-pw',
      RUN_WORKER: '2',
      RUN_PORT: String(await freePort()),
      // a count, not a race against the clock: however slow each start is, the fourth death ends it
      WORKER_START_LIMIT_BURST: '3',
      WORKER_START_LIMIT_INTERVAL_SECONDS: '3600',
    });
    assert.equal(code, EX_CRASH_LOOP, output);
    const why = readLogs(logDir, 'manage_system', 'failed')
      .split('\n')
      .filter((line) => line.includes('is a crash loop'));
    assert.equal(why.length, 1, output);
    assert.match(why[0]!, /4 worker deaths within 3600 s \(WORKER_START_LIMIT_BURST=3\)/);
    assert.equal(count(readLogs(logDir, 'manage_system', 'failed'), 'restarting it in'), 3, output);
  });

  it('restarts a worker killed now and then, and keeps serving', async () => {
    const intervalSeconds = 2;
    const svc = await startService(
      'http_manage_system.ts',
      {
        DB_URL: `sqlite:${dir()}/data.sqlite`,
        REDIS_URL: '',
        LOG_DIR: `${dir()}/logs`,
        ADMIN_PASSWORD: 'crash-loop-pw',
        RUN_WORKER: '2',
        WORKER_START_LIMIT_BURST: '1',
        WORKER_START_LIMIT_INTERVAL_SECONDS: String(intervalSeconds),
      },
      120_000,
    );
    try {
      for (let kill = 1; kill <= 3; kill++) {
        await waitUntil(() => count(svc.output(), '2 workers ready') === kill, `"2 workers ready" #${kill}`, svc, 120_000);
        const victim = [...workerPids(svc).values()][kill % 2]!;
        process.kill(victim, 'SIGKILL');
        await waitUntil(() => svc.output().includes(`(pid ${victim}) died with signal SIGKILL`), 'death notice', svc);
        // the next kill comes after the window: deaths this far apart are no loop
        await new Promise((r) => setTimeout(r, intervalSeconds * 1000 + 200));
      }
      await waitUntil(() => count(svc.output(), '2 workers ready') === 4, 'the third replacement', svc, 120_000);
      assert.equal(svc.proc.exitCode, null, svc.output());
      const statuses = await Promise.all(Array.from({ length: 10 }, () => health(svc.port)));
      assert.deepEqual(
        statuses,
        statuses.map(() => 200),
      );
    } finally {
      assert.equal(await svc.stop(), 0, svc.output());
    }
  });

  it(`exits ${EX_CRASH_LOOP} when more workers die at once than the burst allows`, async () => {
    const svc = await startService(
      'http_manage_system.ts',
      {
        DB_URL: `sqlite:${dir()}/data.sqlite`,
        REDIS_URL: '',
        LOG_DIR: `${dir()}/logs`,
        ADMIN_PASSWORD: 'crash-loop-pw',
        RUN_WORKER: '2',
        WORKER_START_LIMIT_BURST: '1',
        WORKER_START_LIMIT_INTERVAL_SECONDS: '3600',
      },
      120_000,
    );
    await waitUntil(() => svc.output().includes('2 workers ready'), '"2 workers ready"', svc, 120_000);
    for (const pid of workerPids(svc).values()) process.kill(pid, 'SIGKILL');
    // `exited`, not the 'exit' event: by then the line saying why is in the output too
    const code = await svc.exited;
    assert.equal(code, EX_CRASH_LOOP, svc.output());
    assert.match(svc.output(), /2 worker deaths within 3600 s \(WORKER_START_LIMIT_BURST=1\) is a crash loop/);
  });
});
