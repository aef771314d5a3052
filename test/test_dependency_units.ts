import assert from 'node:assert/strict';
import { ClientOfflineError, SocketClosedUnexpectedlyError } from 'redis';
import { ConnectionAcquireTimeoutError, ConnectionRefusedError, DatabaseError, ValidationError } from 'sequelize';
import { dependencyError, dependencyFailure } from '../common/libs/dependency_down.js';
import { dependencyState } from '../common/libs/dependency_state.js';
import { MultLogger } from '../common/libs/mult_logger.js';
import { RedisNoPrimaryError } from '../common/libs/redis_no_primary.js';
import { parseSentinelUrl } from '../common/libs/redis_sentinel_url.js';
// every Redis back end imports it: it is what makes dependencyFailure know node-redis's errors
import '../common/libs/redis_unreachable.js';
import { runJobOnce } from '../common/libs/scheduler.js';
import { setServiceLog } from '../common/libs/service_log.js';
import { StaCode } from '../common/libs/sta_code.js';
import { tempDir } from './helper/backends.js';
import { readLogs, waitForLog } from './helper/log_files.js';

function driverError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function dbError(code: string, message: string): DatabaseError {
  return new DatabaseError(driverError(code, message) as Error & { sql: string });
}

describe('dependency failures: one classification for every interface', () => {
  it('tells busy from unreachable from missing tables, for the database and Redis', () => {
    const cases: [unknown, string | undefined][] = [
      [new ConnectionAcquireTimeoutError(new Error('TimeoutError: operation timed out')), 'database busy'],
      [dbError('ER_CON_COUNT_ERROR', 'Too many connections'), 'database busy'],
      [dbError('SQLITE_BUSY', 'database is locked'), 'database busy'],
      [new ConnectionRefusedError(driverError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')), 'database unreachable'],
      [dbError('PROTOCOL_CONNECTION_LOST', 'Connection lost: The server closed the connection.'), 'database unreachable'],
      [dbError('ER_NO_SUCH_TABLE', "Table 'gh.sys_account' doesn't exist"), 'database schema'],
      [dbError('SQLITE_ERROR', 'SQLITE_ERROR: no such table: sys_account'), 'database schema'],
      [new ClientOfflineError(), 'redis unreachable'],
      [new SocketClosedUnexpectedlyError(), 'redis unreachable'],
      [new RedisNoPrimaryError('redis sentinel gh', 'failover under way'), 'redis unreachable'],
      [dbError('ER_DUP_ENTRY', 'Duplicate entry'), undefined],
      [new ValidationError('bad', []), undefined],
      [new Error('boom'), undefined],
    ];
    for (const [err, expected] of cases) {
      const f = dependencyFailure(err);
      assert.equal(f && `${f.dependency} ${f.kind}`, expected, String(err));
    }
  });

  it('answers 503 with Retry-After and a message saying which', () => {
    const busy = dependencyError(new ConnectionAcquireTimeoutError(new Error('timed out')));
    assert.equal(busy?.sta, StaCode.UNAVAILABLE);
    assert.equal(busy?.message, 'database busy, try again shortly');
    assert.deepEqual(busy?.headers, { 'Retry-After': '5' });
    assert.equal(dependencyError(new Error('boom')), undefined);
  });
});

describe('dependency state lines', () => {
  const logDir = tempDir('deplog');
  const log = new MultLogger({ service: 'dep_demo', dir: logDir, stdout: false });
  before(() => setServiceLog(log));

  it('logs one line when the first member goes down and one when the last is back', async () => {
    const state = dependencyState('redis 127.0.0.1:1');
    state.memberDown('cache', 'connect ECONNREFUSED 127.0.0.1:1');
    state.memberDown('cache', 'connect ECONNREFUSED 127.0.0.1:1');
    state.memberDown('bus publisher', 'Socket closed unexpectedly');
    state.memberUp('cache');
    assert.equal(state.isDown, true);
    state.memberUp('bus publisher');
    state.memberUp('bus publisher');
    assert.equal(state.isDown, false);
    await waitForLog(logDir, 'dep_demo', 'info', 'redis 127.0.0.1:1 back after');
    const lines = readLogs(logDir, 'dep_demo', 'info').split('\n');
    const down = lines.filter((l) => l.includes('redis 127.0.0.1:1 down:'));
    assert.equal(down.length, 1);
    assert.match(down[0]!, /WARN .*down: connect ECONNREFUSED/);
    assert.equal(lines.filter((l) => l.includes('back after')).length, 1);
  });

  it('has a script that failed on an outage say which, without a stack trace', async () => {
    const ok = await runJobOnce(
      {
        name: 'needs_db',
        cron: '0 0 * * *',
        async run() {
          throw new ConnectionRefusedError(driverError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'));
        },
      },
      log,
    );
    assert.equal(ok, false);
    const line = await waitForLog(logDir, 'dep_demo', 'failed', 'script needs_db failed');
    assert.match(line, /script needs_db failed: database is unreachable \(connect ECONNREFUSED/);
    assert.doesNotMatch(line, /stack/);
  });
});

describe('redis-sentinel:// URLs', () => {
  it('reads sentinels, master name, credentials and db', () => {
    assert.deepEqual(parseSentinelUrl('redis-sentinel://u:p%40ss@10.0.0.1:26380,[::1],s3/my%20master?db=2'), {
      name: 'my master',
      sentinels: [
        { host: '10.0.0.1', port: 26380 },
        { host: '::1', port: 26379 },
        { host: 's3', port: 26379 },
      ],
      username: 'u',
      password: 'p@ss',
      db: 2,
    });
    assert.deepEqual(parseSentinelUrl('redis-sentinel://h:1/m'), { name: 'm', sentinels: [{ host: 'h', port: 1 }], db: 0 });
  });

  it('refuses a URL without a master name, a bad port or an unknown option, never echoing the password', () => {
    for (const url of ['redis-sentinel://h:1', 'redis-sentinel://h:70000/m', 'redis-sentinel://:secret@h:1/m?x=1']) {
      assert.throws(
        () => parseSentinelUrl(url),
        (err: Error) => /bad sentinel/.test(err.message) && !err.message.includes('secret'),
        url,
      );
    }
  });
});
