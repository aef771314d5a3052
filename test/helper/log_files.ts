import fs from 'node:fs';
import path from 'node:path';

/** The text of every `<kind>-*.log` a service wrote under `<logDir>/<service>/`. */
export function readLogs(logDir: string, service: string, kind: string): string {
  const dir = path.join(logDir, service);
  if (!fs.existsSync(dir)) return '';
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(`${kind}-`) && f.endsWith('.log'))
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('');
}

/** Waits for a line containing `needle` (winston writes asynchronously). */
export async function waitForLog(
  logDir: string,
  service: string,
  kind: string,
  needle: string,
  timeoutMs = 5000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = readLogs(logDir, service, kind);
    const line = text.split('\n').find((l) => l.includes(needle));
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`no ${kind} log line with ${needle} in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
