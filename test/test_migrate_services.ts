import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { BaseConf } from '../common/libs/base_conf.js';
import { createSequelize } from '../common/libs/db_registry.js';
import { migrateAtStart } from '../common/libs/migrate/at_start.js';
import { listMigrations } from '../common/libs/migrate/migration_files.js';
import { migrationsDir } from '../common/libs/migrate/service_info.js';
import type { MultLogger } from '../common/libs/mult_logger.js';
import { tempDir } from './helper/backends.js';
import { tableNames } from './helper/migrate_sandbox.js';

/** Runs the CLI in the real project, with no database configured beyond the service's own default. */
function dbCli(args: string[]): Promise<{ code: number | null; out: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx/esm', 'tools/db.ts', ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, out })));
}

function captureLog() {
  const lines: string[] = [];
  const log = { info: (m: string) => lines.push(`info ${m}`), warn: (m: string) => lines.push(`warn ${m}`) };
  return { lines, log: log as unknown as MultLogger };
}

describe('migrations of the real services', function () {
  this.timeout(60_000);

  for (const service of ['manage_system', 'guidance_ws']) {
    it(`${service}: its committed migrations hold its models (migrate --verify, the same answer twice)`, async function () {
      if (!fs.existsSync(path.join(migrationsDir(service), 'migrate.json'))) this.skip();
      const first = await dbCli(['migrate', '--verify', '-t', service]);
      const second = await dbCli(['migrate', '--verify', '-t', service]);
      assert.equal(first.code, 0, first.out);
      assert.match(first.out, new RegExp(`${service}: models match \\d{4}_`));
      assert.equal(second.out, first.out);
    });
  }

  it('start-up applies manage_system migrations once when DB_AUTO_MIGRATE is on, and only reports them when off', async () => {
    const dir = tempDir('atstart');
    const conf = (file: string, auto: boolean) =>
      ({
        SERVER_NAME: 'manage_system',
        DB: { default: `sqlite:${dir}/${file}` },
        MODEL_LIST: ['manage_system/db_model/account'],
        READ_MODELS: [],
        DB_AUTO_MIGRATE: auto,
      }) as unknown as BaseConf;
    const names = listMigrations(migrationsDir('manage_system')).map((f) => f.name);
    try {
      const on = captureLog();
      await migrateAtStart(conf('on.sqlite', true), on.log);
      await migrateAtStart(conf('on.sqlite', true), on.log);
      assert.deepEqual(
        on.lines.filter((l) => l.includes(' applied ')).map((l) => l.split(' ')[3]),
        names,
      );
      assert.match(on.lines.at(-1)!, /nothing to upgrade/);
      const db = createSequelize(`sqlite:${dir}/on.sqlite`);
      assert.ok((await tableNames(db)).includes('sys_account'));
      await db.close();

      const off = captureLog();
      await migrateAtStart(conf('off.sqlite', false), off.log);
      assert.equal(off.lines.length, 1);
      assert.match(
        off.lines[0]!,
        new RegExp(`warn manage_system: ${names.length} migration\\(s\\) not applied .*upgrade -t manage_system`),
      );
      const fresh = createSequelize(`sqlite:${dir}/off.sqlite`);
      assert.ok(!(await tableNames(fresh)).includes('sys_account'));
      await fresh.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
