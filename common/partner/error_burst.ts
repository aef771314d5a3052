import { redactText } from '../libs/redact.js';
import { serviceNotifier } from './notifier.js';

const WINDOW_MS = 60_000;
const recent: { at: number; where: string; message: string }[] = [];

/**
 * Counts an unhandled error (a 500); when NOTIFY_500_BURST of them fall within one minute,
 * sends one `error_burst` notice naming the latest few and starts counting again.
 */
export function reportUnhandled(where: string, err: unknown): void {
  const notifier = serviceNotifier();
  if (!notifier?.conf.NOTIFY_WEBHOOK_URL) return;
  const now = Date.now();
  recent.push({ at: now, where, message: redactText(err instanceof Error ? err.message : String(err)) });
  while (recent.length && (recent[0]!.at <= now - WINDOW_MS || recent.length > notifier.conf.NOTIFY_500_BURST)) recent.shift();
  if (recent.length < notifier.conf.NOTIFY_500_BURST) return;
  const lines = recent.slice(-5).map((e) => `- ${new Date(e.at).toISOString()} ${e.where}: ${e.message}`);
  recent.length = 0;
  void notifier.notify({
    kind: 'error_burst',
    title: `${notifier.conf.NOTIFY_500_BURST} unhandled errors (500) within a minute`,
    text: lines.join('\n'),
  });
}
