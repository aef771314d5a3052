import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { LineBatch } from '../common/libs/log_batch.js';
import { type LineTarget, LogSink } from '../common/libs/log_sink.js';
import { tempDir } from './helper/backends.js';

/** A target that records each write it gets, or fails every write with `failing`. */
class RecordingTarget implements LineTarget {
  readonly label = 'recording.log';
  readonly writes: string[] = [];
  failing: string | undefined;

  write(text: string, done: (err?: Error | null) => void): void {
    if (this.failing) done(Object.assign(new Error(`fake ${this.failing}`), { code: this.failing }));
    else {
      this.writes.push(text);
      done();
    }
  }

  reopen(): void {}
  close(): void {}
}

const turn = () => new Promise((r) => setImmediate(r));
/** Resolves after every timer of `ms` set before it (node runs timers of equal delay in the order they were set). */
const windowEnds = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('LineBatch (access lines)', () => {
  it('hands every sink the lines of one flush window as one write, in order, once the window ends', async () => {
    const [a, b] = [new RecordingTarget(), new RecordingTarget()];
    const batch = new LineBatch([new LogSink(a), new LogSink(b)], 30);
    const lines = Array.from({ length: 37 }, (_, i) => `line ${i}`);
    for (const line of lines.slice(0, 20)) batch.push(line);
    await turn();
    for (const line of lines.slice(20)) batch.push(line);
    assert.deepEqual(a.writes, [], 'written before the window ended');
    await windowEnds(30);
    assert.deepEqual(a.writes, [lines.join('\n')]);
    assert.deepEqual(b.writes, [lines.join('\n')]);
    batch.push('next window');
    await windowEnds(30);
    assert.deepEqual(a.writes, [lines.join('\n'), 'next window']);
  });

  it('writes a batch at once when it reaches 256 KiB, without waiting for its window', () => {
    const target = new RecordingTarget();
    const batch = new LineBatch([new LogSink(target)], 60_000);
    const line = 'x'.repeat(1024);
    for (let i = 0; i < 255; i++) batch.push(line);
    assert.deepEqual(target.writes, [], 'written before it reached the size');
    batch.push(line);
    assert.equal(target.writes.length, 1);
    assert.equal(target.writes[0], Array.from({ length: 256 }, () => line).join('\n'));
    batch.flush();
    assert.equal(target.writes.length, 1, 'an empty batch was written');
  });

  it('counts each line of a batch a failed target lost', async () => {
    const target = new RecordingTarget();
    const sink = new LogSink(target, { retryMs: 60_000, notice: () => {} });
    const batch = new LineBatch([sink], 10);
    target.failing = 'ENOSPC';
    for (let i = 0; i < 23; i++) batch.push(`lost ${i}`);
    await windowEnds(10);
    for (let i = 0; i < 4; i++) batch.push(`dropped ${i}`);
    await windowEnds(10);
    target.failing = undefined;
    sink.reopen();
    assert.equal(target.writes.length, 1);
    assert.match(target.writes[0] as string, /recovered; 27 lines dropped while it failed$/);
    sink.close();
  });

  it('writes a pending batch when the process exits on the same turn', () => {
    const dir = tempDir('log-batch');
    const script = `
      import { MultLogger } from './common/libs/mult_logger.js';
      const log = new MultLogger({ service: 'exit_test', dir: ${JSON.stringify(dir)}, stdout: true });
      log.access('GET /first 200', 'rid-1');
      log.access('GET /second 200', 'rid-2');
      process.exit(0);`;
    const run = spawnSync(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const [file] = fs.readdirSync(path.join(dir, 'exit_test')).filter((f) => f.startsWith('access-'));
    const written = fs.readFileSync(path.join(dir, 'exit_test', file as string), 'utf8');
    assert.match(written, /\[rid-1\] GET \/first 200\n.*\[rid-2\] GET \/second 200\n$/);
    assert.match(run.stdout, /\[rid-1\] GET \/first 200\n.*\[rid-2\] GET \/second 200\n$/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes the access line of an answer queued when the process exits on the same turn', () => {
    const dir = tempDir('log-batch');
    const script = `
      import { Hono } from 'hono';
      import { MultLogger } from './common/libs/mult_logger.js';
      import { withRequestScope } from './common/libs/request_scope.js';
      const log = new MultLogger({ service: 'exit_scope', dir: ${JSON.stringify(dir)}, stdout: false });
      const app = new Hono();
      app.get('/answered', (c) => c.text('ok', 201));
      app.fetch = withRequestScope(app.fetch, { log });
      const res = await app.request('/answered', { headers: { 'x-request-id': 'rid-exit' } });
      process.exit(res.status === 201 ? 0 : 1);`;
    const run = spawnSync(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const [file] = fs.readdirSync(path.join(dir, 'exit_scope')).filter((f) => f.startsWith('access-'));
    const written = fs.readFileSync(path.join(dir, 'exit_scope', file as string), 'utf8');
    assert.match(written, /\[rid-exit\] GET \/answered 201 [\d.]+ms ip= ua=""\n$/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
