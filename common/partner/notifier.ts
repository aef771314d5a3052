import type { BaseConf } from '../libs/base_conf.js';
import { warnThrottled } from '../libs/service_log.js';
import { formatNotice } from './notify_format.js';
import { fullBucket, takeToken } from './token_bucket.js';

/** The config keys a notifier reads, at each notice (so a SIGHUP reload applies to the next one). */
export type NotifierConf = Pick<
  BaseConf,
  | 'SERVER_NAME'
  | 'SERVER_ID'
  | 'NOTIFY_WEBHOOK_URL'
  | 'NOTIFY_FORMAT'
  | 'NOTIFY_TIMEOUT_MS'
  | 'NOTIFY_REPEAT_SECONDS'
  | 'NOTIFY_500_BURST'
>;

export interface Notice {
  kind: string;
  title: string;
  text: string;
}

/** `off`: no webhook; `repeat`/`rate_limited`: held back and counted into the next one; `failed`: the webhook did not take it. */
export type NoticeResult = 'sent' | 'off' | 'repeat' | 'rate_limited' | 'failed';

// A WeCom group robot takes at most 20 messages a minute; other receivers are no stricter in practice.
const PER_MINUTE = 20;

/**
 * Posts failure notices to NOTIFY_WEBHOOK_URL, fire-and-forget: `notify` never throws and
 * never needs awaiting; each post is cut off after NOTIFY_TIMEOUT_MS. The same kind + title
 * goes out at most once per NOTIFY_REPEAT_SECONDS, and at most 20 notices a minute overall.
 */
export class Notifier {
  private readonly lastSent = new Map<string, number>();
  private readonly heldBack = new Map<string, number>();
  private readonly bucket = fullBucket(PER_MINUTE);
  private readonly pending = new Set<Promise<NoticeResult>>();

  constructor(readonly conf: Readonly<NotifierConf>) {}

  notify(notice: Notice): Promise<NoticeResult> {
    const url = this.conf.NOTIFY_WEBHOOK_URL;
    if (!url) return Promise.resolve('off');
    const key = `${notice.kind}\n${notice.title}`;
    const now = Date.now();
    const last = this.lastSent.get(key);
    const hold = (why: 'repeat' | 'rate_limited') => {
      this.heldBack.set(key, (this.heldBack.get(key) ?? 0) + 1);
      return Promise.resolve(why);
    };
    if (last !== undefined && now - last < this.conf.NOTIFY_REPEAT_SECONDS * 1000) return hold('repeat');
    if (!takeToken(this.bucket, PER_MINUTE / 60, PER_MINUTE, now)) return hold('rate_limited');
    this.lastSent.set(key, now);
    const suppressed = this.heldBack.get(key) ?? 0;
    this.heldBack.delete(key);
    const body = formatNotice(this.conf.NOTIFY_FORMAT, {
      ...notice,
      service: this.conf.SERVER_NAME,
      serverId: this.conf.SERVER_ID,
      at: new Date(now).toISOString(),
      suppressed,
    });
    const sending = this.post(url, body);
    this.pending.add(sending);
    sending.finally(() => this.pending.delete(sending));
    return sending;
  }

  /** Waits for the notices still being posted (a one-shot command calls it before exiting). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private async post(url: string, body: Record<string, unknown>): Promise<NoticeResult> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.conf.NOTIFY_TIMEOUT_MS),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const errcode = wecomErrcode(text);
      if (errcode) throw new Error(`errcode ${errcode}`);
      return 'sent';
    } catch (err) {
      // The URL may carry a key: only its host reaches the log.
      warnThrottled('notifier', `notifier: webhook at ${new URL(url).host} failed: ${(err as Error).message}`);
      return 'failed';
    }
  }
}

/** WeCom answers 200 with `{"errcode": <non-zero>, "errmsg"}` when it refuses a message. */
function wecomErrcode(text: string): number | undefined {
  try {
    const errcode = (JSON.parse(text) as { errcode?: unknown } | null)?.errcode;
    return typeof errcode === 'number' ? errcode : undefined;
  } catch {
    return undefined;
  }
}

let current: Notifier | undefined;

/** Set once by the launcher; shared code (scripts, the error handler) sends notices through it. */
export function setServiceNotifier(notifier: Notifier | undefined): void {
  current = notifier;
}

export function serviceNotifier(): Notifier | undefined {
  return current;
}
