import { type Sequelize, Transaction } from 'sequelize';

const tails = new WeakMap<Sequelize, Promise<unknown>>();

/**
 * Runs `work` in a write transaction: `BEGIN IMMEDIATE` on SQLite (takes the one write lock up
 * front, so two read-then-write transactions cannot both read), a plain transaction on MySQL
 * (lock rows with `lock: transaction.LOCK.UPDATE`). Rolls back when `work` throws.
 *
 * On SQLite the write transactions of this process run one at a time: a `BEGIN IMMEDIATE`
 * that waits for the lock sleeps in SQLite's busy handler on a libuv pool thread, and a few
 * such waiters starve the holder of the threads it needs to finish (measured: 20 s stalls at
 * 10 concurrent refreshes). `work` must not start another write transaction.
 */
export function writeTransaction<T>(sequelize: Sequelize, work: (transaction: Transaction) => Promise<T>): Promise<T> {
  const run = () => sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, work);
  if (sequelize.getDialect() !== 'sqlite') return run();
  const current = (tails.get(sequelize) ?? Promise.resolve()).then(run);
  tails.set(
    sequelize,
    current.catch(() => undefined),
  );
  return current;
}
