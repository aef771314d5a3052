/**
 * Preloaded into a server by the soak (`NODE_OPTIONS=--import <this file>`), never by the
 * servers themselves: every second it writes, as JSON to `$MEMORY_PROBE_DIR/<pid>.json`:
 *  - `process.memoryUsage()`;
 *  - `spaces`: the bytes V8 has committed to each heap space (`new_space`, `old_space`,
 *    `code_space`, ...; V8 sizes the young generation, new space, by itself);
 *  - `oldLiveAfterMajorGc`: old space in use right after the latest mark-compact (a `gc`
 *    performance entry of kind major), and `majorGcs`, how many there have been. Old space
 *    fills with promoted objects that die there until the next mark-compact, so only this
 *    reading tells retention from garbage not yet collected.
 * The soak can so tell heap sizing from retention, and which space grows. The timer and the
 * observer are unref'd / passive and the file is one small object: the probe keeps nothing.
 * Plain JavaScript: preloaded before tsx, a .ts file would load Node's type stripper (~20 MB RSS).
 */
import fs from 'node:fs';
import path from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

const dir = process.env.MEMORY_PROBE_DIR;
if (dir) {
  const file = path.join(dir, `${process.pid}.json`);
  const spaceStats = () => v8.getHeapSpaceStatistics();
  let oldLiveAfterMajorGc = Number.NaN;
  let majorGcs = 0;
  new PerformanceObserver((list) => {
    if (!list.getEntries().some((e) => e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)) return;
    majorGcs++;
    oldLiveAfterMajorGc = spaceStats().find((s) => s.space_name === 'old_space')?.space_used_size ?? Number.NaN;
  }).observe({ entryTypes: ['gc'] });
  setInterval(() => {
    const spaces = Object.fromEntries(spaceStats().map((s) => [s.space_name, s.space_size]));
    fs.writeFileSync(file, JSON.stringify({ ...process.memoryUsage(), spaces, oldLiveAfterMajorGc, majorGcs }));
  }, 1000).unref();
}
