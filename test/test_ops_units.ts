import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REQUIRE_SERVICES, tempDir } from './helper/backends.js';

const LAUNCHER = /^(http|ws|server|service)_[a-z][a-z0-9_]*\.ts$/;
const PROJECT = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { name: string }).name;

/** `npm run units -- <args>` without npm's banner: exit code and output. */
function units(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx/esm', 'tools/units.ts', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Key=value pairs of a unit file (a key set twice keeps the last value). */
function keys(unit: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of unit.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

describe('systemd units', function () {
  this.timeout(120_000);
  const dir = tempDir('units');
  const launchers = fs
    .readdirSync('.')
    .filter((f) => LAUNCHER.test(f))
    .map((f) => path.basename(f, '.ts'));
  const envFile = path.join(dir, 'svc.env');
  // What `npm run build` leaves for the units to run (the files are not read, only looked for).
  const dist = path.join(dir, 'dist');
  fs.mkdirSync(dist);
  for (const launcher of launchers) fs.writeFileSync(path.join(dist, `${launcher}.js`), '');
  const account = os.userInfo().username;
  const common = ['--service-env', envFile, '--dist', dist, '--run-as', account];
  const drainMs = 7000 + Math.floor(Math.random() * 5) * 1000;
  fs.writeFileSync(envFile, `DRAIN_TIMEOUT_MS=${drainMs}\nLOG_DIR=${dir}/logs\n`);
  const render = (variant: string[]) => {
    const out = path.join(dir, variant.length ? 'user' : 'system');
    const r = units(['render', ...variant, ...common, '--out', out]);
    assert.equal(r.code, 0, r.err);
    return out;
  };
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('renders a system and a user unit for every root launcher, with the real paths', () => {
    assert.ok(launchers.length > 0);
    const system = render([]);
    const user = render(['--user']);
    for (const launcher of launchers) {
      const name = `${PROJECT}-${launcher}.service`;
      const sys = fs.readFileSync(path.join(system, name), 'utf8');
      const usr = fs.readFileSync(path.join(user, name), 'utf8');
      const s = keys(sys);
      assert.equal(s.WantedBy, 'multi-user.target');
      assert.equal(s.User, account, 'system unit runs as --run-as');
      assert.equal(keys(usr).WantedBy, 'default.target');
      assert.ok(!/^User=/m.test(usr), 'a user unit runs as its user');
      for (const k of [s, keys(usr)]) {
        assert.equal(k.WorkingDirectory, process.cwd());
        assert.equal(
          k.ExecStart,
          `${process.execPath} --enable-source-maps --min-semi-space-size=16 --max-semi-space-size=16 ${dist}/${launcher}.js`,
        );
        assert.equal(k.EnvironmentFile, `-${envFile}`);
        assert.equal(k.ExecReload, '/bin/kill -HUP $MAINPID');
        assert.equal(k.Restart, 'on-failure');
        assert.equal(k.RestartPreventExitStatus, '78');
        // room for the WebSocket drain and the HTTP drain, each DRAIN_TIMEOUT_MS
        assert.ok(Number(k.TimeoutStopSec) * 1000 >= 2 * drainMs, `TimeoutStopSec=${k.TimeoutStopSec}`);
        assert.ok(Number(k.TimeoutStopSec) * 1000 < 2 * drainMs + 30_000, `TimeoutStopSec=${k.TimeoutStopSec}`);
        assert.equal(k.NoNewPrivileges, 'yes');
      }
      assert.equal(s.ProtectSystem, 'strict');
      assert.ok(s.ReadWritePaths?.split(' ').includes(`-${dir}/logs`), s.ReadWritePaths);
    }
  });

  it('starts Node with a fixed young generation and two malloc arenas, flags this Node accepts', () => {
    const unit = fs.readFileSync(path.join(render([]), `${PROJECT}-${launchers[0]}.service`), 'utf8');
    assert.match(unit, /^Environment=MALLOC_ARENA_MAX=2$/m);
    const flags = keys(unit).ExecStart!.split(' ').slice(1, -1);
    const r = spawnSync(
      process.execPath,
      [...flags, '-p', "v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size"],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(Number(r.stdout), 16 * 1024 * 1024, 'new space held at 16 MB from the start');
  });

  it('passes systemd-analyze verify, system and user variants', function () {
    const found = spawnSync('systemd-analyze', ['--version']).status === 0;
    if (!found && REQUIRE_SERVICES)
      throw new Error('REQUIRE_SERVICES=1 but systemd-analyze is not installed (Debian package systemd)');
    if (!found) this.skip();
    const runtime = fs.mkdtempSync(path.join(dir, 'xdg-'));
    for (const [variant, extra] of [
      [[], []],
      [['--user'], ['--user']],
    ] as const) {
      const out = render([...variant]);
      const files = fs.readdirSync(out).map((f) => path.join(out, f));
      assert.equal(files.length, launchers.length);
      // --user wants a runtime dir for the user manager it simulates.
      const r = spawnSync('systemd-analyze', [...extra, 'verify', ...files], {
        encoding: 'utf8',
        env: { ...process.env, XDG_RUNTIME_DIR: runtime },
      });
      assert.equal(r.status, 0, r.stderr);
      // verify exits 0 on warnings (an unknown key, say): any output is a finding
      assert.equal(`${r.stdout}${r.stderr}`.trim(), '', `${variant.join(' ') || 'system'}: ${r.stdout}${r.stderr}`);
    }
  });

  it('picks one unit with --service (launcher or service name) and refuses an unknown one', () => {
    const first = launchers[0]!;
    const out = path.join(dir, 'one');
    const r = units(['render', '--service', first, ...common, '--out', out]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(fs.readdirSync(out), [`${PROJECT}-${first}.service`]);
    const bad = units(['render', '--service', 'no_such_thing', ...common, '--out', out]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /no launcher or service named no_such_thing/);
    const noOut = units(['render', ...common]);
    assert.equal(noOut.code, 2, 'render without --out');
    assert.equal(noOut.err, 'units: render needs --out <dir>\n');
  });

  it('installs into place with the systemctl lines to run, and uninstalls', () => {
    const dest = path.join(dir, 'dest');
    const dataDir = path.join(dir, `data-${randomBytes(3).toString('hex')}`);
    const env = path.join(dir, 'install.env');
    fs.writeFileSync(env, `LOG_DIR=${dir}/logs\nDB_URL=sqlite:${dataDir}/x.sqlite\n`);
    const r = units(['install', '--user', '--service-env', env, '--dist', dist, '--dest', dest]);
    assert.equal(r.code, 0, r.err);
    const names = launchers.map((l) => `${PROJECT}-${l}.service`);
    assert.deepEqual(fs.readdirSync(dest).sort(), [...names].sort());
    assert.ok(fs.existsSync(dataDir), 'the SQLite folder is made, since the unit cannot');
    assert.match(r.out, /^systemctl --user daemon-reload$/m);
    assert.match(r.out, new RegExp(`^systemctl --user enable --now ${names.join(' ')}$`, 'm'));
    assert.match(r.out, /loginctl enable-linger/);

    // what `systemctl enable` leaves behind
    fs.mkdirSync(path.join(dest, 'default.target.wants'));
    fs.symlinkSync(path.join(dest, names[0]!), path.join(dest, 'default.target.wants', names[0]!));
    const u = units(['uninstall', '--user', '--dest', dest]);
    assert.equal(u.code, 0, u.err);
    assert.deepEqual(fs.readdirSync(dest), ['default.target.wants']);
    assert.deepEqual(fs.readdirSync(path.join(dest, 'default.target.wants')), []);
    assert.match(u.out, new RegExp(`^systemctl --user stop ${names.join(' ')}$`, 'm'));
    assert.match(u.out, /^systemctl --user daemon-reload$/m);
  });
});
