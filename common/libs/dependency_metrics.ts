import type { Sequelize } from 'sequelize';
import { registeredDbs } from './db_registry.js';
import { replicaRoutes } from './db_replicas.js';
import { dependencyStates } from './dependency_state.js';
import { registerPlainMetric, type Sample } from './metrics_registry.js';

/** sequelize-pool's counts; with `replication` the manager holds a read and a write pool. */
interface PoolCounts {
  using: number;
  waiting: number;
}
type ManagerPool = PoolCounts | { read: PoolCounts; write: PoolCounts } | undefined;

/** The pools of a MySQL/MariaDB connection (SQLite has none). */
function poolsOf(sequelize: Sequelize): PoolCounts[] {
  if (sequelize.getDialect() === 'sqlite') return [];
  const pool = (sequelize.connectionManager as unknown as { pool: ManagerPool }).pool;
  if (!pool) return [];
  return 'read' in pool ? [pool.read, pool.write] : [pool];
}

function poolSamples(count: (pool: PoolCounts) => number): Sample[] {
  const out: Sample[] = [];
  for (const [db, sequelize] of registeredDbs()) {
    const pools = poolsOf(sequelize);
    if (pools.length) out.push({ labels: { db }, value: pools.reduce((sum, pool) => sum + count(pool), 0) });
  }
  return out;
}

function upSamples(prefix: string, label: string, unquote = false): Sample[] {
  const out: Sample[] = [];
  for (const state of dependencyStates()) {
    if (!state.name.startsWith(prefix)) continue;
    const name = state.name.slice(prefix.length);
    out.push({ labels: { [label]: unquote ? name.replace(/^"|"$/g, '') : name }, value: state.isDown ? 0 : 1 });
  }
  return out;
}

/**
 * The series read from the database and Redis registries at scrape time: pool connections in
 * use and queries waiting for one (summed over workers), and whether each database and
 * Redis server is reachable (over workers: the lowest, so 0 while any worker cannot reach it);
 * with DB_REPLICAS, whether the replicas are up and where the reads that may lag went.
 */
export function registerDependencyMetrics(): void {
  registerPlainMetric({
    name: 'gatehouse_db_pool_connections_in_use',
    help: 'MySQL/MariaDB pool connections handed out to queries now, by database name',
    type: 'gauge',
    aggregator: 'sum',
    samples: () => poolSamples((pool) => pool.using),
  });
  registerPlainMetric({
    name: 'gatehouse_db_pool_waiting',
    help: 'Queries waiting for a free MySQL/MariaDB pool connection now, by database name',
    type: 'gauge',
    aggregator: 'sum',
    samples: () => poolSamples((pool) => pool.waiting),
  });
  registerPlainMetric({
    name: 'gatehouse_db_up',
    help: '1 while the database answers, 0 while it is down, by database name',
    type: 'gauge',
    aggregator: 'min',
    samples: () => upSamples('database ', 'db', true),
  });
  registerPlainMetric({
    name: 'gatehouse_db_replica_up',
    help: '1 while the read replicas of a database take connections, 0 while their reads go to the primary, by database name',
    type: 'gauge',
    aggregator: 'min',
    samples: () => [...replicaRoutes()].map(([db, route]) => ({ labels: { db }, value: route.isDown ? 0 : 1 })),
  });
  registerPlainMetric({
    name: 'gatehouse_db_replica_reads_total',
    help: 'Reads that may lag (MAY_LAG), by database name and where they were served: replica, or primary while the replicas were down',
    type: 'counter',
    aggregator: 'sum',
    samples: () =>
      [...replicaRoutes()].flatMap(([db, route]) => [
        { labels: { db, served_by: 'replica' }, value: route.reads.replica },
        { labels: { db, served_by: 'primary' }, value: route.reads.primary },
      ]),
  });
  registerPlainMetric({
    name: 'gatehouse_redis_up',
    help: '1 while the Redis server answers every client of this process, 0 while one is down, by host:port',
    type: 'gauge',
    aggregator: 'min',
    samples: () => upSamples('redis ', 'server'),
  });
}
