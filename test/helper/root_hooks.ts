import assert from 'node:assert/strict';
import { sweepLogs } from './secret_watch.js';

/** After every suite has run: no log file written during the run holds a password or token. */
export const mochaHooks = {
  afterAll() {
    const { files, leaks } = sweepLogs();
    assert.deepEqual(leaks, [], `secrets found in ${leaks.length} places among ${files} log files`);
  },
};
