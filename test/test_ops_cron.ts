import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REQUIRE_SERVICES, tempDir } from './helper/backends.js';
import { startTicker } from './helper/cron_ticker.js';
import { RedisServer } from './helper/redis_server.js';

const INSTANCES = 3;
const RUN_MS = 10_000;

function redisInstalled(): boolean {
  return !!process.env.PATH?.split(':').some((dir) => fs.existsSync(path.join(dir, 'redis-server')));
}

describe('scheduled scripts across instances', function () {
  this.timeout(90_000);
  let redis: RedisServer | undefined;
  const dir = tempDir('cron');

  before(function () {
    if (!redisInstalled() && REQUIRE_SERVICES) throw new Error('REQUIRE_SERVICES=1 but redis-server is not installed');
    if (!redisInstalled()) this.skip();
  });
  after(async () => {
    await redis?.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`runs each tick of a 1-second job exactly once across ${INSTANCES} processes sharing Redis`, async () => {
    redis = await new RedisServer().start();
    const tickFile = path.join(dir, 'ticks.txt');
    const env = { REDIS_URL: redis.url, TICK_FILE: tickFile, LOG_DIR: path.join(dir, 'logs') };
    const tickers = await Promise.all(Array.from({ length: INSTANCES }, () => startTicker(env)));
    const allUp = Date.now();
    await new Promise((r) => setTimeout(r, RUN_MS));
    const stopping = Date.now();
    for (const t of tickers) t.proc.kill('SIGTERM');
    assert.deepEqual(
      await Promise.all(tickers.map((t) => t.exited)),
      tickers.map(() => 0),
    );

    const lines = fs.readFileSync(tickFile, 'utf8').trim().split('\n');
    const ticks = lines.map((l) => Date.parse(l.split(' ')[0]!));
    const seen = new Map<number, number>();
    for (const t of ticks) seen.set(t, (seen.get(t) ?? 0) + 1);
    const twice = [...seen].filter(([, n]) => n > 1).map(([t]) => new Date(t).toISOString());
    assert.deepEqual(twice, [], 'ticks run more than once');

    // Every whole second while all instances were up (a second of margin at each end). A tick
    // no instance could even consider (each one's event loop came too late, on a loaded
    // machine) is logged by each as lost here; any other tick nobody ran is a failure.
    const from = Math.ceil(allUp / 1000) * 1000 + 1000;
    const to = Math.floor(stopping / 1000) * 1000 - 1000;
    const lostHere = tickers.map(
      (t) => new Set([...t.output().matchAll(/cron tick tick_probe:(\S+) lost here/g)].map((m) => Date.parse(m[1]!))),
    );
    const missed: string[] = [];
    for (let t = from; t <= to; t += 1000) {
      if (!seen.has(t) && !lostHere.every((lost) => lost.has(t))) missed.push(new Date(t).toISOString());
    }
    assert.deepEqual(missed, [], 'ticks no instance ran nor every instance logged lost');
    assert.ok((to - from) / 1000 + 1 >= RUN_MS / 1000 - 3, 'the window covers most of the run');
  });
});
