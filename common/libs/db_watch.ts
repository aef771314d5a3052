import type { Sequelize } from 'sequelize';
import { dependencyFailure } from './dependency_down.js';
import { dependencyState } from './dependency_state.js';
import { warnThrottled } from './service_log.js';

export interface DbWatchOptions {
  /** While down, how often `SELECT 1` checks whether it is back, in milliseconds. */
  probeMs?: number;
}

type Manager = { getConnection(...args: unknown[]): Promise<unknown> };

/**
 * Watches one registered database: an unreachable or busy failure on any query or connection
 * acquire marks it down (one log line, with the cause); while down, a `SELECT 1` every
 * `probeMs` finds when it is back (one line). Ordinary traffic never flips it back, so a busy
 * pool that lets some requests through does not flap. Returns a stop function.
 */
export function watchDb(name: string, sequelize: Sequelize, opts: DbWatchOptions = {}): () => void {
  const state = dependencyState(`database "${name}"`);
  const probeMs = opts.probeMs ?? 1000;
  let probe: NodeJS.Timeout | undefined;
  let probing = false;

  const note = (err: unknown) => {
    const failure = dependencyFailure(err);
    if (failure?.kind === 'schema') warnThrottled('schema-missing', `database schema is behind the code: ${failure.cause}`);
    if (failure?.dependency !== 'database' || failure.kind === 'schema' || state.isDown) return;
    state.memberDown(name, `${failure.what} (${failure.cause})`);
    probe = setInterval(checkBack, probeMs);
    probe.unref();
  };

  async function checkBack() {
    if (probing) return;
    probing = true;
    try {
      await sequelize.query('SELECT 1');
      clearInterval(probe);
      probe = undefined;
      state.memberUp(name);
    } catch {
      // still down: the next tick tries again
    } finally {
      probing = false;
    }
  }

  const manager = sequelize.connectionManager as unknown as Manager;
  const getConnection = manager.getConnection.bind(manager);
  manager.getConnection = function watchedGetConnection(...args) {
    return getConnection(...args).catch((err: unknown) => {
      note(err);
      throw err;
    });
  };
  const query = sequelize.query.bind(sequelize) as (...args: unknown[]) => Promise<unknown>;
  (sequelize as unknown as { query: typeof query }).query = function watchedQuery(...args) {
    return query(...args).catch((err: unknown) => {
      note(err);
      throw err;
    });
  };
  return () => clearInterval(probe);
}
