import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './helper/backends.js';
import { type Call, client } from './helper/http_client.js';
import { readLogs, waitForLog } from './helper/log_files.js';
import { type ServiceProcess, startService } from './helper/service_process.js';

const SERVICE = 'manage_system';
const PASSWORD = 'reload-password';

describe('SIGHUP reload', function () {
  this.timeout(60_000);
  const dir = tempDir('reload');
  const logDir = path.join(dir, 'logs');
  const configFile = path.join(dir, 'config.json');
  const writeConfig = (values: Record<string, unknown>) => fs.writeFileSync(configFile, JSON.stringify(values));
  let svc: ServiceProcess;
  let call: Call;

  /** Seconds from now until a fresh session expires. */
  const sessionSeconds = async () => {
    const res = await call('POST', '/v1/auth/login', { body: { username: 'admin', password: PASSWORD } });
    assert.equal(res.status, 200, res.text);
    return (Date.parse(res.body.data.expires_at) - Date.now()) / 1000;
  };

  before(async () => {
    writeConfig({ SESSION_TTL_SECONDS: 3600, LOG_LEVEL: 'info' });
    svc = await startService('http_manage_system.ts', {
      DB_URL: `sqlite:${dir}/data.sqlite`,
      REDIS_URL: '',
      LOG_DIR: logDir,
      ADMIN_PASSWORD: PASSWORD,
      CONFIG_FILE: configFile,
    });
    call = client(svc.url);
  });
  after(async () => {
    await svc?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('applies changed reloadable keys in place and logs what changed and what needs a restart', async () => {
    const before = await sessionSeconds();
    const ttl = 120 + Math.floor(Math.random() * 600);
    const hookKey = randomBytes(12).toString('hex');
    const NOTIFY_WEBHOOK_URL = `http://127.0.0.1:9/cgi-bin/webhook/send?key=${hookKey}`;
    writeConfig({ SESSION_TTL_SECONDS: ttl, LOG_LEVEL: 'debug', BODY_LIMIT: 2048, NOTIFY_WEBHOOK_URL });
    svc.proc.kill('SIGHUP');
    const line = await waitForLog(logDir, SERVICE, 'info', 'SIGHUP: reloaded');
    assert.match(line, new RegExp(`SESSION_TTL_SECONDS 3600 -> ${ttl}`));
    assert.match(line, /LOG_LEVEL "info" -> "debug"/);
    assert.match(line, /NOTIFY_WEBHOOK_URL "\[empty\]" -> "\[set\]"/, 'a secret key is not logged');
    assert.match(line, /needs a restart: BODY_LIMIT/);
    assert.ok(!readLogs(logDir, SERVICE, 'info').includes(hookKey));
    const after = await sessionSeconds();
    assert.ok(Math.abs(after - ttl) < 30, `session lasts ${after} s, configured ${ttl} s (was ${before} s)`);
  });

  it('keeps the running values when the new config is invalid, and says why', async () => {
    const running = await sessionSeconds();
    writeConfig({ SESSION_TTL_SECONDS: 99_999, LOG_LEVEL: 'loud' });
    svc.proc.kill('SIGHUP');
    const line = await waitForLog(logDir, SERVICE, 'failed', 'config not reloaded');
    assert.match(line, /LOG_LEVEL/);
    assert.equal((await call('GET', '/health')).status, 200);
    assert.ok(Math.abs((await sessionSeconds()) - running) < 30);
  });

  it('reopens its log files, so a rotated-away file is not written any more', async () => {
    const serviceDir = path.join(logDir, SERVICE);
    for (const file of fs.readdirSync(serviceDir).filter((f) => f.endsWith('.log'))) {
      fs.renameSync(path.join(serviceDir, file), path.join(serviceDir, `${file}.1`));
    }
    writeConfig({ SESSION_TTL_SECONDS: 600, LOG_LEVEL: 'info' });
    svc.proc.kill('SIGHUP');
    // only `*.log` files are read: the line must be in a newly opened one
    const line = await waitForLog(logDir, SERVICE, 'info', 'SIGHUP: reloaded');
    assert.match(line, /LOG_LEVEL "debug" -> "info"/);
    const rotated = fs.readdirSync(serviceDir).filter((f) => f.startsWith('info-') && f.endsWith('.log.1'));
    for (const file of rotated) assert.ok(!fs.readFileSync(path.join(serviceDir, file), 'utf8').includes('"debug" -> "info"'));
  });
});
