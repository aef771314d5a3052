import assert from 'node:assert/strict';
import fs from 'node:fs';
import { BaseConf } from '../common/libs/base_conf.js';
import { BaseView } from '../common/libs/base_view.js';
import { createHttpApp } from '../common/libs/http_app.js';
import { loadConf } from '../common/libs/load_conf.js';
import { MultLogger } from '../common/libs/mult_logger.js';
import { runJobOnce } from '../common/libs/scheduler.js';
import { Notifier, setServiceNotifier } from '../common/partner/notifier.js';
import { tempDir } from './helper/backends.js';
import { waitForLog } from './helper/log_files.js';
import { WebhookReceiver } from './helper/webhook_receiver.js';

class NotifyConf extends BaseConf {
  override SERVER_NAME = 'notify_demo';
  override SERVER_ID = 'notify-1';
  override DB = { default: 'sqlite::memory:' };
}

class BoomView extends BaseView {
  async get(): Promise<Response> {
    throw new Error('database exploded');
  }
}

describe('webhook notifier', function () {
  this.timeout(30_000);
  let receiver: WebhookReceiver;
  const logDir = tempDir('notify');
  const log = new MultLogger({ service: 'notify_demo', dir: logDir, stdout: false });
  const confWith = (env: Record<string, string>) =>
    loadConf(NotifyConf, { env: { NOTIFY_WEBHOOK_URL: receiver.url, ...env }, envFile: `${logDir}/none.env` });

  beforeEach(async () => {
    receiver = await new WebhookReceiver().start();
  });
  afterEach(async () => {
    setServiceNotifier(undefined);
    await receiver.close();
  });
  after(async () => {
    await log.close();
    fs.rmSync(logDir, { recursive: true, force: true });
  });

  it('posts a WeCom robot markdown message naming the service and what failed', async () => {
    const conf = confWith({ NOTIFY_FORMAT: 'wecom' });
    const result = await new Notifier(conf).notify({ kind: 'script_failed', title: 'script purge failed', text: 'disk full' });
    assert.equal(result, 'sent');
    const [body] = await receiver.waitFor(1);
    assert.equal(body!.msgtype, 'markdown');
    const content = (body!.markdown as { content: string }).content;
    for (const part of ['script purge failed', 'disk full', conf.SERVER_NAME, conf.SERVER_ID, 'script_failed']) {
      assert.ok(content.includes(part), `${part} missing from ${content}`);
    }
  });

  it('posts WeCom text and generic JSON', async () => {
    const notice = { kind: 'error_burst', title: 'many 500s', text: 'GET /x' };
    assert.equal(await new Notifier(confWith({ NOTIFY_FORMAT: 'wecom_text' })).notify(notice), 'sent');
    const conf = confWith({ NOTIFY_FORMAT: 'json' });
    assert.equal(await new Notifier(conf).notify(notice), 'sent');
    const [text, json] = await receiver.waitFor(2);
    assert.equal(text!.msgtype, 'text');
    assert.ok((text!.text as { content: string }).content.includes('many 500s'));
    assert.deepEqual(
      { ...json, at: undefined },
      { ...notice, service: conf.SERVER_NAME, server_id: conf.SERVER_ID, suppressed: 0, at: undefined },
    );
    assert.ok(!Number.isNaN(Date.parse(json!.at as string)));
  });

  it('sends a notice once per NOTIFY_REPEAT_SECONDS and counts the repeats into the next one', async () => {
    // The notifier's clock (Date.now) stands still unless moved here: how long each post takes
    // under load must not decide what counts as a repeat.
    const realNow = Date.now;
    let clock = realNow();
    Date.now = () => clock;
    try {
      const notifier = new Notifier(confWith({ NOTIFY_REPEAT_SECONDS: '1' }));
      const notice = { kind: 'script_failed', title: 'script a failed', text: 'x' };
      const results = [await notifier.notify(notice), await notifier.notify(notice)];
      clock += 999;
      results.push(await notifier.notify(notice));
      assert.deepEqual(results, ['sent', 'repeat', 'repeat']);
      assert.equal(await notifier.notify({ ...notice, title: 'script b failed' }), 'sent', 'another title is not a repeat');
      clock += 1000;
      assert.equal(await notifier.notify(notice), 'sent');
      const bodies = await receiver.waitFor(3);
      assert.equal(bodies[2]!.suppressed, results.filter((r) => r === 'repeat').length);
    } finally {
      Date.now = realNow;
    }
  });

  it('holds back a flood beyond the per-minute cap of a WeCom robot', async () => {
    const notifier = new Notifier(confWith({}));
    const results = [];
    for (let i = 0; i < 30; i++) results.push(await notifier.notify({ kind: 'k', title: `t${i}`, text: '' }));
    assert.ok(results.includes('rate_limited'));
    assert.equal(receiver.bodies.length, results.filter((r) => r === 'sent').length);
  });

  it('reports a receiver that never answers as failed after NOTIFY_TIMEOUT_MS, and one refusing (errcode) as failed', async () => {
    receiver.mode = 'hang';
    const notifier = new Notifier(confWith({ NOTIFY_TIMEOUT_MS: '300' }));
    assert.equal(await notifier.notify({ kind: 'k', title: 'hang', text: '' }), 'failed');
    receiver.mode = 'refuse';
    assert.equal(await notifier.notify({ kind: 'k', title: 'refused', text: '' }), 'failed');
  });

  it('sends nothing without NOTIFY_WEBHOOK_URL', async () => {
    const notifier = new Notifier(confWith({ NOTIFY_WEBHOOK_URL: '' }));
    assert.equal(await notifier.notify({ kind: 'k', title: 't', text: '' }), 'off');
    assert.equal(receiver.bodies.length, 0);
  });

  it('sends one error_burst after NOTIFY_500_BURST unhandled errors, answering them while the webhook hangs', async () => {
    receiver.mode = 'hang';
    const conf = confWith({ NOTIFY_500_BURST: '3', NOTIFY_TIMEOUT_MS: '5000' });
    const notifier = new Notifier(conf);
    // What the app asks of the notifier, as it asks: a post that has not reached the receiver yet is counted too.
    const asked: string[] = [];
    const notify = notifier.notify.bind(notifier);
    notifier.notify = (notice) => {
      asked.push(notice.kind);
      return notify(notice);
    };
    setServiceNotifier(notifier);
    const { app } = createHttpApp({ conf, log, routes: [['/boom', BoomView]] });
    for (let i = 0; i < conf.NOTIFY_500_BURST; i++) {
      const res = await app.request('/v1/boom');
      assert.equal(res.status, 500);
      assert.equal(((await res.json()) as { code: number }).code, 500);
    }
    const [body] = await receiver.waitFor(1);
    assert.equal(body!.kind, 'error_burst');
    assert.match(body!.text as string, /GET \/v1\/boom: database exploded/);
    assert.equal((await app.request('/v1/boom')).status, 500);
    assert.deepEqual(asked, ['error_burst'], 'one burst, one notice');
    assert.equal(receiver.bodies.length, 1);
  });

  it('sends a failed script to the failed log with its run id, and to the notifier', async () => {
    setServiceNotifier(new Notifier(confWith({})));
    const ok = await runJobOnce(
      {
        name: 'always_fails',
        cron: '0 0 * * *',
        async run() {
          throw new Error('no such table');
        },
      },
      log,
    );
    assert.equal(ok, false);
    const [body] = await receiver.waitFor(1);
    assert.equal(body!.kind, 'script_failed');
    const runId = /run (\S+):/.exec(body!.text as string)?.[1];
    assert.ok(runId?.startsWith('always_fails-'), body!.text as string);
    const line = await waitForLog(logDir, 'notify_demo', 'failed', `[${runId}]`);
    assert.match(line, /script always_fails failed/);
  });
});
