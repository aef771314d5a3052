/**
 * Preloaded into a server by the soak (`NODE_OPTIONS=--import <this file>`), never by the
 * servers themselves: every second it writes `process.memoryUsage()` plus `youngSize`, the
 * bytes V8 has committed to its young generation (new space, which V8 grows and shrinks by
 * itself), as JSON to `$MEMORY_PROBE_DIR/<pid>.json`, so the soak can tell heap sizing from
 * retention. The timer is unref'd and the file is one small object: the probe keeps nothing.
 * Plain JavaScript: preloaded before tsx, a .ts file would load Node's type stripper (~20 MB RSS).
 */
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';

const dir = process.env.MEMORY_PROBE_DIR;
if (dir) {
  const file = path.join(dir, `${process.pid}.json`);
  const youngSize = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
  setInterval(() => fs.writeFileSync(file, JSON.stringify({ ...process.memoryUsage(), youngSize: youngSize() })), 1000).unref();
}
