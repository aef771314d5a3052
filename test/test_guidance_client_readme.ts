import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../common/libs/project_root.js';
import { GUIDE_PATH } from '../guidance_ws/api_main.js';
import { SysConf } from '../guidance_ws/config/sys_conf.js';
import { CLIENT_PATH } from '../guidance_ws/interface/client_module.js';
import { SysConf as ManageConf } from '../manage_system/config/sys_conf.js';
import { tempDir } from './helper/backends.js';
import { describeGuidance, guideUrl } from './helper/guidance_suite.js';

/** The README's client section: its text and its one `js` code block. */
function clientSection(): { text: string; code: string } {
  const readme = fs.readFileSync('guidance_ws/README.md', 'utf8');
  const text = readme.slice(readme.indexOf('## The client'), readme.indexOf('\n## ', readme.indexOf('## The client') + 1));
  const blocks = [...text.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.equal(blocks.length, 1, 'one js block in the client section');
  return { text, code: blocks[0]! };
}

/** A `node follow.mjs` run in `dir`, its output kept. */
class Run {
  out = '';
  readonly exited: Promise<number | null>;
  private readonly proc: ChildProcess;

  constructor(dir: string, env: Record<string, string>) {
    this.proc = spawn(process.execPath, ['follow.mjs'], { cwd: dir, env: { PATH: process.env.PATH, ...env } });
    this.proc.stdout!.on('data', (d) => (this.out += d));
    this.proc.stderr!.on('data', (d) => (this.out += d));
    // 'close', not 'exit': at 'exit' its last lines may still be in the pipes, unread
    this.exited = new Promise((resolve) => this.proc.once('close', resolve));
  }

  /** Resolves with the first match of `re` in the output; rejects if the process ends or 10 s pass first. */
  waitFor(re: RegExp): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`no ${re} in 10 s:\n${this.out}`)), 10_000);
      const check = () => {
        const m = this.out.match(re);
        if (m) done(undefined, m);
      };
      const onExit = () => done(new Error(`exited before ${re}:\n${this.out}`));
      const done = (err?: Error, m?: RegExpMatchArray) => {
        clearTimeout(timer);
        this.proc.stdout!.off('data', check);
        this.proc.off('close', onExit);
        if (err) reject(err);
        else resolve(m!);
      };
      this.proc.stdout!.on('data', check);
      this.proc.once('close', onExit);
      check();
    });
  }

  stop(): Promise<number | null> {
    this.proc.kill('SIGINT');
    return this.exited;
  }
}

describeGuidance(
  'the README client example, run as written',
  (ctx) => {
    let dir: string;
    const runs: Run[] = [];
    before(async () => {
      dir = tempDir('readme-client');
      // As the README's `curl -o guidance.mjs .../client/guidance.js` does, from this test's gateway.
      const res = await fetch(`${ctx.gateways[0]!.url}${CLIENT_PATH}`);
      assert.equal(res.status, 200);
      fs.writeFileSync(path.join(dir, 'guidance.mjs'), await res.text());
      fs.writeFileSync(path.join(dir, 'follow.mjs'), clientSection().code);
      // The README's `npm install ws` beside follow.mjs (used where the runtime has no WebSocket: Node 20).
      fs.mkdirSync(path.join(dir, 'node_modules'));
      fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules', 'ws'), path.join(dir, 'node_modules', 'ws'), 'dir');
    });
    after(() => {
      for (const run of runs) run.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('names the default ports and paths of the gateway and of manage_system', () => {
      const { text, code } = clientSection();
      const gateway = new SysConf();
      assert.ok(code.includes(`'ws://127.0.0.1:${gateway.RUN_PORT}/v${gateway.VER_CODE}${GUIDE_PATH}'`), 'the gateway URL');
      assert.ok(code.includes(`http://127.0.0.1:${new ManageConf().RUN_PORT}/v1/auth/login`), 'the login URL');
      assert.ok(
        text.includes(`curl -o guidance.mjs http://127.0.0.1:${gateway.RUN_PORT}${CLIENT_PATH}`),
        'where the module is served',
      );
    });

    it('follows a room, sends with an operator token, and stops at SIGINT or when signed out (4401)', async () => {
      const viewer = await ctx.newAccount('viewer');
      const env = { GUIDANCE_URL: guideUrl(ctx.gateways[0]!) };
      const follower = new Run(dir, { ...env, GUIDANCE_TOKEN: viewer.token });
      runs.push(follower);
      await follower.waitFor(/following line-3 after #\d+/);

      const sender = new Run(dir, { ...env, GUIDANCE_TOKEN: ctx.operatorToken, GUIDANCE_SAY: 'stop at bay 2' });
      runs.push(sender);
      const seq = Number((await sender.waitFor(/stored as #(\d+)/))[1]);
      await follower.waitFor(new RegExp(`line-3 #${seq} ${ctx.operatorName}: "stop at bay 2"`));
      await sender.waitFor(new RegExp(`line-3 #${seq} ${ctx.operatorName}: "stop at bay 2"`));
      assert.equal(await sender.stop(), 0, sender.out);

      const out = await ctx.call('POST', '/v1/auth/logout', { token: viewer.token });
      assert.equal(out.status, 200);
      await follower.waitFor(/closed: 4401 /);
      assert.equal(await follower.exited, 0, 'ends by itself: nothing left to retry');
      assert.doesNotMatch(follower.out, /reconnecting/);
    });
  },
  { backends: ['sqlite'], env: { SESSION_CHECK_MS: '300' } },
);
