/**
 * Preloaded into a server by the soak (`NODE_OPTIONS=--import <this file>`), never by the
 * servers themselves: every second it writes `process.memoryUsage()` (bytes, JSON) to
 * `$MEMORY_PROBE_DIR/<pid>.json`, so the soak can print heap used beside RSS. The timer is
 * unref'd and the file is one small object, so the probe adds no growth of its own. Plain
 * JavaScript: preloaded before tsx, a .ts file would load Node's type stripper (~20 MB RSS).
 */
import fs from 'node:fs';
import path from 'node:path';

const dir = process.env.MEMORY_PROBE_DIR;
if (dir) {
  const file = path.join(dir, `${process.pid}.json`);
  setInterval(() => fs.writeFileSync(file, JSON.stringify(process.memoryUsage())), 1000).unref();
}
