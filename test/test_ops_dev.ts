import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import tty from 'node:tty';
import { stripVTControlCharacters } from 'node:util';
import { Sequelize } from 'sequelize';
import { paintLines, wantsColour } from '../common/libs/log_colour.js';
import { type Backend, needServices, openBackend, tempDir } from './helper/backends.js';
import { client } from './helper/http_client.js';
import { readLogs } from './helper/log_files.js';
import { freePort } from './helper/ports.js';
import { type ServiceProcess, startService } from './helper/service_process.js';
import { until } from './helper/wait.js';

const ESCAPE = '\u001b[';
const plain = stripVTControlCharacters;
const count = (text: string, needle: string) => text.split(needle).length - 1;
/** The production line: `<ISO time> <LEVEL> [<request id>] <message>`. */
const LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (INFO|WARN|ERROR|DEBUG) \[[^\]]+\] \S/;

async function waitFor(what: string, check: () => boolean, output: () => string, timeoutMs = 30_000): Promise<void> {
  if (!(await until(async () => check(), timeoutMs, 50))) throw new Error(`no ${what} in ${timeoutMs} ms:\n${output()}`);
}

/** Makes every insert into sys_records_login fail, so that each login attempt logs one failure. */
async function refuseLoginRecords(dbFile: string): Promise<void> {
  const db = new Sequelize({ dialect: 'sqlite', storage: dbFile, logging: false });
  await db.query(
    "CREATE TRIGGER gh_test_refuse_records BEFORE INSERT ON sys_records_login BEGIN SELECT RAISE(ABORT, 'refused by test'); END",
  );
  await db.close();
}

/** A wrong login: 401, and (records refused) one `audit write failed` line. */
async function failedLogin(url: string): Promise<void> {
  const res = await client(url)('POST', '/v1/auth/login', { body: { username: 'admin', password: 'not-the-password' } });
  assert.equal(res.status, 401, res.text);
}

/** Runs `argv` with a pseudo-terminal as its stdin, stdout and stderr (util-linux `script`). */
function underTerminal(argv: string[], env: Record<string, string>): { proc: ChildProcess; output: () => string } {
  const command = argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const proc = spawn('script', ['-qefc', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d) => (out += d));
  proc.stderr?.on('data', (d) => (out += d));
  return { proc, output: () => out };
}

describe('log colours (in-process)', () => {
  /** A stream as `wantsColour` sees it; a terminal answers `hasColors` as Node's own does. */
  const stream = (isTTY: boolean) =>
    ({ isTTY, hasColors: isTTY ? tty.WriteStream.prototype.hasColors : undefined }) as unknown as NodeJS.WriteStream;
  const TERM = 'xterm-256color';

  it("follows Node's rules: a colour terminal yes, a pipe no, FORCE_COLOR wins, NO_COLOR and TERM=dumb turn it off", () => {
    assert.equal(wantsColour(stream(true), { TERM }), true);
    assert.equal(wantsColour(stream(false), { TERM }), false);
    assert.equal(wantsColour(stream(true), { TERM, NO_COLOR: '1' }), false);
    assert.equal(wantsColour(stream(true), { TERM: 'dumb' }), false);
    assert.equal(wantsColour(stream(false), { FORCE_COLOR: '1' }), true);
    assert.equal(wantsColour(stream(true), { TERM, NO_COLOR: '1', FORCE_COLOR: '' }), true);
    assert.equal(wantsColour(stream(true), { TERM, FORCE_COLOR: '0' }), false);
    assert.equal(wantsColour(stream(true), { TERM, FORCE_COLOR: 'false' }), false);
  });

  it('only adds escapes, line by line in a batch, and leaves other lines as they are', () => {
    const rid = `r${process.pid}`;
    const lines = [
      `${new Date().toISOString()} INFO [${rid}] GET /a 200`,
      `${new Date().toISOString()} ERROR [w3] [-] boom {"error":{"message":"x"}}`,
      'a continuation line of a message',
    ];
    const painted = paintLines(lines.join('\n')).split('\n');
    assert.equal(painted.length, lines.length);
    assert.deepEqual(painted.map(plain), lines);
    assert.ok(painted[0]!.includes(ESCAPE) && painted[1]!.includes(ESCAPE));
    assert.equal(painted[2], lines[2]);
  });
});

describe('npm run dev: a launcher under tsx watch, on a terminal', function () {
  this.timeout(90_000);
  const dir = tempDir('dev');
  const marker = path.join(dir, 'marker.ts');
  // A launcher outside the repository: the real one, plus a module whose change must restart it.
  const launcher = path.join(dir, 'launcher.ts');
  const writeMarker = (n: number) => fs.writeFileSync(marker, `console.log(\`dev marker ${n} pid \${process.pid}\`);\n`);
  let dev: ReturnType<typeof underTerminal>;
  let url: string;

  const pidOf = (n: number) => Number(new RegExp(`dev marker ${n} pid (\\d+)`).exec(plain(dev.output()))?.[1]);

  before(async () => {
    writeMarker(1);
    fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
    fs.writeFileSync(launcher, `import './marker.ts';\nimport '${path.resolve('http_manage_system.ts')}';\n`);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    dev = underTerminal([process.execPath, '--import', 'tsx/esm', 'tools/dev.ts', launcher], {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TERM: 'xterm-256color',
      DB_URL: `sqlite:${dir}/data.sqlite`,
      REDIS_URL: '',
      LOG_DIR: `${dir}/logs`,
      RUN_PORT: String(port),
      ADMIN_PASSWORD: 'dev-mode-password',
    });
    await waitFor('listening line', () => plain(dev.output()).includes('listening on'), dev.output);
  });

  after(async () => {
    // Closing the terminal (SIGHUP) must stop the launcher too: nothing may keep the port.
    dev?.proc.kill('SIGTERM');
    const freed = await until(
      () =>
        new Promise((resolve) => {
          http
            .get(`${url}/health`, (res) => {
              res.resume();
              resolve(false);
            })
            .once('error', () => resolve(true));
        }),
      15_000,
    );
    fs.rmSync(dir, { recursive: true, force: true });
    assert.ok(freed, `the launcher still answers after its terminal closed:\n${dev?.output()}`);
  });

  it('colours the lines, and prints each error once', async () => {
    const res = await fetch(`${url}/health`);
    assert.equal(res.status, 200);
    await refuseLoginRecords(`${dir}/data.sqlite`);
    await failedLogin(url);
    await waitFor('audit failure on the terminal', () => plain(dev.output()).includes('audit write failed'), dev.output);
    await new Promise((r) => setTimeout(r, 300)); // a second copy, if any, would be written by now
    const shown = plain(dev.output());
    assert.equal(count(shown, 'audit write failed'), 1, shown);
    assert.equal(count(readLogs(`${dir}/logs`, 'manage_system', 'failed'), 'audit write failed'), 1);
    const errorLine = dev
      .output()
      .split('\n')
      .find((l) => l.includes('audit write failed'))!;
    assert.ok(errorLine.includes(ESCAPE), `no colour on the error line: ${JSON.stringify(errorLine)}`);
    // only escapes are added: without them the line is the one in the file
    const fileLine = readLogs(`${dir}/logs`, 'manage_system', 'info')
      .split('\n')
      .find((l) => l.includes('audit write failed'));
    assert.equal(plain(errorLine).replace(/\r$/, ''), fileLine);
  });

  it('restarts the launcher when a file it imports changes, and serves again', async () => {
    const firstPid = pidOf(1);
    assert.ok(firstPid > 0, dev.output());
    writeMarker(2);
    await waitFor('restart with the new code', () => pidOf(2) > 0, dev.output);
    await waitFor('second listening line', () => count(plain(dev.output()), 'listening on') >= 2, dev.output);
    assert.notEqual(pidOf(2), firstPid);
    assert.ok(!isAlive(firstPid), 'the first launcher process is gone');
    const res = await fetch(`${url}/health`);
    assert.equal(res.status, 200);
    assert.ok(plain(dev.output()).includes('SIGTERM received, stopping'), 'the old launcher stopped gracefully');
  });
});

/** GET on a connection of its own; the status and the request id. */
function getOnce(url: string): Promise<{ status: number; rid: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        res.once('end', () => resolve({ status: res.statusCode ?? 0, rid: String(res.headers['x-request-id']) }));
      })
      .once('error', reject);
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run dev: names', () => {
  const dev = (...args: string[]) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const proc = spawn(process.execPath, ['--import', 'tsx/esm', 'tools/dev.ts', ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      proc.stdout.on('data', (d) => (out += d));
      proc.stderr.on('data', (d) => (err += d));
      proc.once('close', (code) => resolve({ code, out, err }));
    });

  it('refuses an unknown launcher with one line and exit 2', async () => {
    const name = `no_such_${process.pid}`;
    const { code, out, err } = await dev(name);
    assert.equal(code, 2);
    assert.equal(out, '');
    assert.equal(err.trimEnd().split('\n').length, 1, err);
    assert.match(err, new RegExp(`^dev: no launcher named ${name}; there are .*http_manage_system`));
  });

  it('--help lists every root launcher and the names it answers to', async () => {
    const { code, out } = await dev('--help');
    assert.equal(code, 0);
    const launchers = fs.readdirSync('.').filter((f) => /^(http|ws|server|service)_.*\.ts$/.test(f));
    assert.ok(launchers.length >= 2);
    for (const file of launchers) assert.match(out, new RegExp(`^  ${file} +${file.slice(0, -3)}, `, 'm'));
  });
});

describe('output that is no terminal (journald, a pipe): unchanged', function () {
  this.timeout(60_000);
  const dir = tempDir('dev-plain');
  let svc: ServiceProcess;
  let stdout = '';
  let stderr = '';

  before(async () => {
    svc = await startService('http_manage_system.ts', {
      DB_URL: `sqlite:${dir}/data.sqlite`,
      REDIS_URL: '',
      LOG_DIR: `${dir}/logs`,
      ADMIN_PASSWORD: 'plain-output-password',
    });
    svc.proc.stdout?.on('data', (d) => (stdout += d));
    svc.proc.stderr?.on('data', (d) => (stderr += d));
  });
  after(async () => {
    await svc?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("writes the files' lines, byte for byte, without colour, each error once on stderr only", async () => {
    await refuseLoginRecords(`${dir}/data.sqlite`);
    await failedLogin(svc.url);
    const rid = (await fetch(`${svc.url}/no-such-page`)).headers.get('x-request-id');
    await waitFor('access line', () => stdout.includes(`[${rid}]`), svc.output);
    await waitFor('audit failure', () => stderr.includes('audit write failed'), svc.output);
    await new Promise((r) => setTimeout(r, 300)); // a second copy, if any, would be written by now
    assert.ok(!svc.output().includes(ESCAPE), 'no escape sequence in plain output');
    assert.equal(count(stderr, 'audit write failed'), 1, stderr);
    assert.equal(count(stdout, 'audit write failed'), 0, stdout);
    const logs = `${dir}/logs`;
    // everything printed since start, both streams; taken before the files are read, which then
    // hold all of it (a line printed later, a scheduled script's say, may not be there yet)
    const printed = svc.output().split('\n').filter(Boolean);
    const fileText = () => ['info', 'access'].map((kind) => readLogs(logs, 'manage_system', kind)).join('\n');
    await until(async () => printed.every((line) => fileText().includes(line)), 5000, 50);
    const fileLines = new Set(fileText().split('\n').filter(Boolean));
    assert.ok(printed.some((l) => l.includes('listening on')) && printed.some((l) => l.includes(`[${rid}]`)));
    for (const line of printed) {
      assert.match(line, LINE);
      assert.ok(fileLines.has(line), `printed but in no file: ${line}`);
    }
  });
});

describe('RUN_WORKER=2: worker lines carry the worker id', function () {
  this.timeout(90_000);
  let backend: Backend;
  let svc: ServiceProcess;
  const dir = tempDir('dev-workers');

  before(async function () {
    await needServices(this);
    backend = await openBackend('mysql');
    svc = await startService(
      'http_manage_system.ts',
      { ...backend.env, LOG_DIR: `${dir}/logs`, ADMIN_PASSWORD: 'worker-tag-password', RUN_WORKER: '2' },
      60_000,
    );
    await waitFor('workers ready', () => svc.output().includes('2 workers ready'), svc.output);
  });
  after(async () => {
    const code = await svc?.stop();
    await backend?.teardown();
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 0, svc?.output());
  });

  it("tags each worker line [w<index>] in the files and on stdout; the primary's lines are untagged", async () => {
    const started = [...svc.output().matchAll(/ INFO \[-\] worker (\d+) started \(pid \d+\)/g)].map((m) => `w${m[1]}`);
    assert.deepEqual(started.sort(), ['w0', 'w1']);
    // a new connection per request: the primary hands connections to the workers in turn
    const rids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await getOnce(`${svc.url}/no-such-page/${i}`);
      assert.equal(res.status, 404);
      rids.push(res.rid);
    }
    await waitFor('access lines', () => rids.every((rid) => svc.output().includes(`[${rid}]`)), svc.output);
    const logs = `${dir}/logs`;
    const access = readLogs(logs, 'manage_system', 'access');
    for (const rid of rids) {
      const printed = svc
        .output()
        .split('\n')
        .find((l) => l.includes(`[${rid}]`))!;
      assert.match(printed, new RegExp(`^\\S+ INFO \\[w[01]\\] \\[${rid}\\] GET /no-such-page/`));
      assert.ok(access.split('\n').includes(printed), `stdout and the access file differ for ${rid}`);
    }
    const listening = readLogs(logs, 'manage_system', 'info')
      .split('\n')
      .filter((l) => l.includes('manage_system listening on'))
      .map((l) => / INFO \[(w\d+)\] \[-\] /.exec(l)?.[1]);
    assert.deepEqual(listening.sort(), started);
  });
});
