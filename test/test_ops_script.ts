import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { tempDir } from './helper/backends.js';
import { readLogs } from './helper/log_files.js';

/** `npm run script -- <args>` with a private database and log folder. */
function script(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx/esm', 'tools/script.ts', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('npm run script', function () {
  this.timeout(60_000);
  const dir = tempDir('script');
  const env = { DB_URL: `sqlite:${dir}/data.sqlite`, REDIS_URL: '', LOG_DIR: `${dir}/logs` };
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs one job of a service once, its log lines carrying one run id', () => {
    const listed = script(['manage_system'], env);
    assert.equal(listed.code, 0, listed.out);
    const job = /^ {2}(\S+)/m.exec(listed.out)?.[1];
    assert.ok(job, listed.out);
    const r = script(['manage_system', job], env);
    assert.equal(r.code, 0, r.out);
    const lines = readLogs(`${dir}/logs`, 'manage_system', 'info')
      .split('\n')
      .filter((l) => l.includes(`script ${job} `));
    assert.deepEqual(
      lines.map((l) => / (started|finished)/.exec(l)?.[1]),
      ['started', 'finished'],
    );
    const runIds = new Set(lines.map((l) => /\[([^\]]+)\]/.exec(l)?.[1]));
    assert.equal(runIds.size, 1);
    assert.ok([...runIds][0]?.startsWith(`${job}-`));
  });

  it('refuses an unknown job with the list of jobs, and an unknown service, with exit code 2', () => {
    const job = script(['manage_system', 'no_such_job'], env);
    assert.equal(job.code, 2);
    assert.match(job.out, /manage_system has no script no_such_job; it has:/);
    const service = script(['no_such_service', 'x'], env);
    assert.equal(service.code, 2);
    assert.match(service.out, /no_such_service: no such service/);
  });
});
