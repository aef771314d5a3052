import fs from 'node:fs';
import path from 'node:path';

const secrets = new Set<string>();
const logDirs = new Set<string>();

/** A password or token used by a suite: no log file may contain it. */
export function watchSecret(secret: string): void {
  if (secret.length >= 8) secrets.add(secret);
}

/** A log directory kept until the end of the run, when it is searched for every watched secret. */
export function watchLogDir(dir: string): void {
  logDirs.add(dir);
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : e.name.endsWith('.log') ? [full] : [];
  });
}

/** Every `file: secret` found; then the directories are removed. */
export function sweepLogs(): { files: number; leaks: string[] } {
  const files = [...logDirs].flatMap(filesUnder);
  const leaks: string[] = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const secret of secrets) if (text.includes(secret)) leaks.push(`${file}: ${secret.slice(0, 6)}…`);
  }
  for (const dir of logDirs) fs.rmSync(dir, { recursive: true, force: true });
  logDirs.clear();
  return { files: files.length, leaks };
}
