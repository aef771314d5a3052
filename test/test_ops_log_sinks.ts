import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DailyFileTarget } from '../common/libs/log_file_target.js';
import { type LineTarget, LogSink } from '../common/libs/log_sink.js';
import { tempDir } from './helper/backends.js';
import { type Call, client } from './helper/http_client.js';
import { readLogs, waitForLog } from './helper/log_files.js';
import { freePort } from './helper/ports.js';
import { type ServiceProcess, startService } from './helper/service_process.js';

/** Logging is the same code under every back end: the embedded default is enough here. */
const LAUNCHERS: { file: string; service: string; env: Record<string, string> }[] = [
  { file: 'http_manage_system.ts', service: 'manage_system', env: { ADMIN_PASSWORD: 'log-sinks-pw' } },
  { file: 'ws_guidance.ts', service: 'guidance_ws', env: {} },
];

const pad = (n: number) => String(n).padStart(2, '0');
/** The day in a file name, as the service (same machine, same time zone) writes it. */
function today(): string {
  const t = new Date();
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`;
}

const occurrences = (text: string, needle: string) => text.split(needle).length - 1;
/** 20..39 requests: a count the service cannot have guessed. */
const someCount = () => 20 + Math.floor(Math.random() * 20);

async function waitForOutput(svc: ServiceProcess, needle: string, times = 1, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (occurrences(svc.output(), needle) < times) {
    if (Date.now() > deadline) throw new Error(`"${needle}" not printed ${times} times in ${timeoutMs} ms:\n${svc.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * `count` requests that each write one access line; every one must be answered. An access
 * line is written once the answer is out, which can be after the client has read it, so this
 * resolves only when `settled` has seen the last request's line (written or, in a failed
 * sink, dropped): counts read after it are exact.
 */
async function serve(call: Call, count: number, tag: string, settled: (rid: string) => Promise<unknown>): Promise<void> {
  let rid = '';
  for (let i = 0; i < count; i++) {
    const res = await call('GET', `/no-such-page/${tag}-${i}`);
    assert.equal(res.status, 404, res.text);
    assert.equal(res.body.code, 404);
    rid = res.headers.get('x-request-id') ?? '';
  }
  await settled(rid);
}

/** The access line of `rid` was handled: stdout (a working sink) shows it. */
const onStdout = (svc: ServiceProcess) => (rid: string) => waitForOutput(svc, `[${rid}]`);
/** The access line of `rid` was handled: the access file (a working sink) holds it. */
const inAccessFile = (logs: string, service: string) => (rid: string) => waitForLog(logs, service, 'access', `[${rid}]`, 15_000);

/** One request; resolves once its access line is in the access file. */
async function servedAndLogged(call: Call, logDir: string, service: string): Promise<void> {
  const res = await call('GET', '/no-such-page/after');
  assert.equal(res.status, 404);
  await waitForLog(logDir, service, 'access', `[${res.headers.get('x-request-id')}]`, 15_000);
}

/** A target that answers on a later turn, like an asynchronous, batching one would. */
class FlakyTarget implements LineTarget {
  readonly label = 'flaky.log';
  readonly lines: string[] = [];
  /** The error code every write and reopen fails with, while set. */
  failing: string | undefined;

  write(line: string, done: (err?: Error | null) => void): void {
    const code = this.failing;
    setImmediate(() => {
      if (!code) this.lines.push(line);
      done(code ? Object.assign(new Error(`fake ${code}`), { code }) : null);
    });
  }

  reopen(): void {
    if (this.failing) throw Object.assign(new Error(`fake ${this.failing}`), { code: this.failing });
  }

  close(): void {}
}

const turn = () => new Promise((r) => setImmediate(r));

describe('LogSink (in-process)', () => {
  it('counts every line an asynchronous target lost, says so once, and writes the count when it works again', async () => {
    const notices: string[] = [];
    const target = new FlakyTarget();
    const sink = new LogSink(target, { retryMs: 60_000, notice: (line) => notices.push(line) });
    sink.write('before');
    await turn();
    target.failing = 'EIO';
    const inFlight = someCount(); // reach the target before its first failure is known
    for (let i = 0; i < inFlight; i++) sink.write(`lost ${i}`);
    await turn();
    const later = someCount(); // dropped by the sink itself
    for (let i = 0; i < later; i++) sink.write(`dropped ${i}`);
    sink.reopen(); // still failing: quietly stays failed
    target.failing = undefined;
    await turn();
    assert.equal(notices.length, 1, notices.join('\n'));
    assert.match(notices[0], /log sink flaky\.log failed \(EIO\): fake EIO/);

    sink.reopen();
    sink.write('after');
    await turn();
    assert.equal(target.lines.length, 3, target.lines.join('\n'));
    assert.equal(target.lines[0], 'before');
    assert.match(
      target.lines[1],
      new RegExp(`log sink flaky\\.log recovered; ${inFlight + later} lines dropped while it failed$`),
    );
    assert.equal(target.lines[2], 'after');
    sink.close();
  });

  it('retries on its own every retryMs', async () => {
    const target = new FlakyTarget();
    const sink = new LogSink(target, { retryMs: 20, notice: () => {} });
    target.failing = 'ENOSPC';
    const count = someCount();
    for (let i = 0; i < count; i++) sink.write(`line ${i}`);
    await new Promise((r) => setTimeout(r, 50)); // failed retries in between
    target.failing = undefined;
    await waitUntilLogged(() => target.lines.length > 0);
    assert.match(target.lines[0], new RegExp(`recovered; ${count} lines dropped`));
    sink.close();
  });
});

describe('DailyFileTarget (in-process)', () => {
  it("writes to the day's file and, when it opens it, deletes the files of days older than keepDays", async () => {
    const dir = tempDir('log-keep');
    const keepDays = 2 + Math.floor(Math.random() * 10);
    const t = new Date();
    const dayAgo = (n: number) => {
      const d = new Date(t.getFullYear(), t.getMonth(), t.getDate() - n);
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
    };
    const kept = [
      `access-${dayAgo(1)}.log`,
      `access-${dayAgo(keepDays)}.log`,
      `info-${dayAgo(keepDays + 5)}.log`,
      'access-notes.log',
    ];
    const deleted = [`access-${dayAgo(keepDays + 1)}.log`, `access-${dayAgo(keepDays + 30)}.log`];
    for (const file of [...kept, ...deleted]) fs.writeFileSync(path.join(dir, file), 'old\n');
    const target = new DailyFileTarget({ dir, name: 'access', keepDays });
    const errors: unknown[] = [];
    target.write('first line', (err) => errors.push(err));
    target.close();
    try {
      assert.deepEqual(errors, [undefined]);
      assert.equal(fs.readFileSync(path.join(dir, `access-${today()}.log`), 'utf8'), 'first line\n');
      for (const file of kept) assert.ok(fs.existsSync(path.join(dir, file)), `${file} kept`);
      for (const file of deleted) assert.ok(!fs.existsSync(path.join(dir, file)), `${file} deleted`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

for (const launcher of LAUNCHERS) {
  const { service } = launcher;

  describe(`${service}: a failing log file never takes the service down`, function () {
    this.timeout(90_000);
    let dir: string;
    let logDir: string;
    let serviceDir: string;
    const logFile = (kind: string) => path.join(serviceDir, `${kind}-${today()}.log`);
    const failedNotice = (kind: string, code: string) => `log sink ${kind}-${today()}.log failed (${code})`;
    let svc: ServiceProcess;
    let call: Call;

    before(async () => {
      dir = tempDir('log-sinks');
      logDir = path.join(dir, 'logs');
      serviceDir = path.join(logDir, service);
      // /dev/full fails every write with ENOSPC: a full disk, without mounting anything
      fs.mkdirSync(serviceDir, { recursive: true });
      for (const kind of ['info', 'failed', 'access']) fs.symlinkSync('/dev/full', logFile(kind));
      svc = await startService(launcher.file, {
        DB_URL: `sqlite:${dir}/data.sqlite`,
        REDIS_URL: '',
        LOG_DIR: logDir,
        ...launcher.env,
      });
      call = client(svc.url);
    });
    after(async () => {
      await svc?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    afterEach(() => assert.equal(svc.proc.exitCode, null, `the service died:\n${svc.output()}`));

    it('keeps serving on a full disk, says so once per file, and counts the dropped lines into the file on SIGHUP', async () => {
      const count = someCount();
      await serve(call, count, 'full', onStdout(svc));
      await waitForOutput(svc, failedNotice('access', 'ENOSPC'));
      await waitForOutput(svc, failedNotice('info', 'ENOSPC'));
      assert.equal(occurrences(svc.output(), failedNotice('access', 'ENOSPC')), 1, svc.output());
      assert.equal(occurrences(svc.output(), failedNotice('info', 'ENOSPC')), 1, svc.output());

      for (const kind of ['info', 'failed', 'access']) fs.rmSync(logFile(kind));
      svc.proc.kill('SIGHUP');
      const access = await waitForLog(logDir, service, 'access', 'recovered', 15_000);
      assert.match(access, new RegExp(`log sink access-${today()}\\.log recovered; ${count} lines dropped while it failed$`));
      // at least the "listening on" line was dropped from the info file
      const info = await waitForLog(logDir, service, 'info', 'recovered', 15_000);
      assert.match(info, new RegExp(`log sink info-${today()}\\.log recovered; [1-9]\\d* lines dropped while it failed$`));
      await waitForLog(logDir, service, 'info', 'SIGHUP: reloaded', 15_000);
      await servedAndLogged(call, logDir, service);
    });

    // each test goes on from where the one before left the service: every file working
    it('notices on its own, within seconds, that a failed file works again', async () => {
      const notices = occurrences(svc.output(), failedNotice('access', 'ENOSPC'));
      const reloads = occurrences(readLogs(logDir, service, 'info'), 'SIGHUP: reloaded');
      fs.rmSync(logFile('access'));
      fs.symlinkSync('/dev/full', logFile('access'));
      svc.proc.kill('SIGHUP'); // the access file is now /dev/full
      await waitUntilLogged(() => occurrences(readLogs(logDir, service, 'info'), 'SIGHUP: reloaded') > reloads);
      const count = someCount();
      await serve(call, count, 'again', onStdout(svc));
      // a new failure, so a new notice
      await waitForOutput(svc, failedNotice('access', 'ENOSPC'), notices + 1);

      fs.rmSync(logFile('access')); // no SIGHUP: the sink's own retry must find out
      const line = await waitForLog(logDir, service, 'access', `recovered; ${count} lines`, 15_000);
      assert.match(line, /lines dropped while it failed$/);
      await servedAndLogged(call, logDir, service);
      assert.equal(occurrences(svc.output(), failedNotice('access', 'ENOSPC')), notices + 1, svc.output());
    });

    it('opens a new file when its file is deleted', async () => {
      const before = svc.output();
      fs.rmSync(logFile('access'));
      // within a second the sink sees the path names no file and opens a new one; a line
      // reaches the file up to one flush window (FLUSH_MS) after its answer
      const rids: string[] = [];
      await waitUntilLogged(async () => {
        const res = await call('GET', '/no-such-page/removed');
        assert.equal(res.status, 404);
        rids.push(res.headers.get('x-request-id') ?? '');
        const logged = readLogs(logDir, service, 'access');
        return rids.some((rid) => logged.includes(`[${rid}]`));
      });
      // no line of this test is still pending when the next one breaks the directory
      await waitForLog(logDir, service, 'access', `[${rids.at(-1)}]`, 15_000);
      assert.equal(svc.output().slice(before.length).includes('log sink'), false, 'a deleted file is no failure');
    });

    it('keeps serving when its directory is replaced by a file, and recovers when it is back', async () => {
      const notices = occurrences(svc.output(), `log sink access-${today()}.log failed (`);
      fs.rmSync(serviceDir, { recursive: true });
      fs.writeFileSync(serviceDir, 'not a directory');
      svc.proc.kill('SIGHUP'); // reopening fails for every file
      await waitForOutput(svc, `log sink access-${today()}.log failed (`, notices + 1);
      assert.match(svc.output(), new RegExp(`log sink access-${today()}\\.log failed \\((ENOTDIR|EEXIST)\\)`));
      const count = someCount();
      await serve(call, count, 'nodir', onStdout(svc));

      fs.rmSync(serviceDir);
      svc.proc.kill('SIGHUP');
      const line = await waitForLog(logDir, service, 'access', 'recovered', 15_000);
      assert.match(line, new RegExp(`recovered; ${count} lines dropped while it failed$`));
      await servedAndLogged(call, logDir, service);
    });
  });

  describe(`${service}: a failing stdout or stderr never takes the service down`, function () {
    this.timeout(90_000);
    let dir: string;
    let logDir: string;
    const services: ServiceProcess[] = [];
    const start = async () => {
      const svc = await startService(launcher.file, {
        DB_URL: `sqlite:${dir}/data-${services.length}.sqlite`,
        REDIS_URL: '',
        LOG_DIR: path.join(logDir, String(services.length)),
        ...launcher.env,
      });
      services.push(svc);
      return { svc, call: client(svc.url), logs: path.join(logDir, String(services.length - 1)) };
    };
    before(() => {
      dir = tempDir('log-std');
      logDir = path.join(dir, 'logs');
    });
    after(async () => {
      for (const svc of services) await svc.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('keeps serving when the reader of stdout goes away (EPIPE), says so once on stderr, and still writes its files', async () => {
      const { svc, call, logs } = await start();
      svc.proc.stdout?.destroy();
      const count = someCount();
      await serve(call, count, 'epipe', inAccessFile(logs, service));
      await waitForOutput(svc, 'log sink stdout failed (EPIPE)');
      svc.proc.kill('SIGHUP'); // a retry on a closed pipe fails again, quietly
      await waitForLog(logs, service, 'info', 'SIGHUP: reloaded', 15_000);
      await serve(call, count, 'epipe-after', inAccessFile(logs, service));
      assert.equal(occurrences(svc.output(), 'log sink stdout failed'), 1, svc.output());
      assert.equal(occurrences(readLogs(logs, service, 'access'), '/no-such-page/epipe'), 2 * count);
      assert.equal(svc.proc.exitCode, null);
    });

    it('keeps serving when stdout and stderr are both closed', async () => {
      const { svc, call, logs } = await start();
      svc.proc.stdout?.destroy();
      svc.proc.stderr?.destroy();
      const count = someCount();
      await serve(call, count, 'closed', inAccessFile(logs, service));
      svc.proc.kill('SIGHUP');
      await waitForLog(logs, service, 'info', 'SIGHUP: reloaded', 15_000);
      await serve(call, count, 'closed-after', inAccessFile(logs, service));
      await servedAndLogged(call, logs, service);
      assert.equal(svc.proc.exitCode, null);
    });

    it('keeps serving with stdout redirected to a full disk (ENOSPC), says so once, and still writes its files', async () => {
      const port = await freePort();
      const logs = path.join(logDir, 'full');
      const full = fs.openSync('/dev/full', 'w');
      const proc = spawn(process.execPath, ['--import', 'tsx/esm', launcher.file], {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          RUN_PORT: String(port),
          LOG_STDOUT: 'true',
          LOG_DIR: logs,
          DB_URL: `sqlite:${dir}/data-full.sqlite`,
          REDIS_URL: '',
          ...launcher.env,
        },
        stdio: ['ignore', full, 'pipe'],
      });
      fs.closeSync(full);
      let stderr = '';
      proc.stderr?.on('data', (d) => (stderr += d));
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      try {
        const call = client(`http://127.0.0.1:${port}`);
        // "listening on" goes to stdout, which is /dev/full: wait for the info file instead
        await waitForLog(logs, service, 'info', 'listening on', 60_000);
        const count = someCount();
        await serve(call, count, 'fullout', inAccessFile(logs, service));
        await waitUntilLogged(() => stderr.includes('log sink stdout failed (ENOSPC)'));
        await serve(call, count, 'fullout-after', inAccessFile(logs, service));
        assert.equal(occurrences(stderr, 'log sink stdout failed'), 1, stderr);
        assert.equal(occurrences(readLogs(logs, service, 'access'), '/no-such-page/fullout'), 2 * count);
        assert.equal(proc.exitCode, null, stderr);
      } finally {
        proc.kill('SIGTERM');
        await exited;
      }
    });
  });
}

/** Polls until `check` holds; failing assertions inside count as "not yet". */
async function waitUntilLogged(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let held = false;
    try {
      held = await check();
    } catch {
      held = false;
    }
    if (held) return;
    if (Date.now() > deadline) throw new Error(`not logged in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
