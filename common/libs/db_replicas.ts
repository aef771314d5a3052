import { QueryTypes, type Sequelize } from 'sequelize';
import { dependencyFailure } from './dependency_down.js';
import { dependencyState } from './dependency_state.js';

/**
 * Query options of a read that may see a replica's lag: spread into a finder's options
 * (`Model.findAll({ where, ...MAY_LAG })`). Without it every query uses the primary.
 * It is Sequelize's own `useMaster: false`, which `routeReads` makes the opt-in.
 */
export const MAY_LAG = { useMaster: false } as const;

/** Counts of the opt-in reads of one database, by where they were served. */
export interface ReplicaReads {
  replica: number;
  /** Served by the primary because the replicas were down. */
  primary: number;
}

/** Per registered database with replicas: whether its replicas are up, and where its opt-in reads went. */
export interface ReplicaRoute {
  readonly isDown: boolean;
  readonly reads: ReplicaReads;
}

const routes = new Map<string, ReplicaRoute>();

/** The databases with read replicas in this process, by name. */
export function replicaRoutes(): ReadonlyMap<string, ReplicaRoute> {
  return routes;
}

/** Where one query's connection came from: set by the routed `getConnection`, read by the query's fallback. */
const ROUTE = 'gatehouseReplicaRoute';
type RouteMark = { replica: boolean };
type QueryOpts = { type?: string; useMaster?: boolean; [ROUTE]?: RouteMark } | undefined;

interface Manager {
  getConnection(options?: QueryOpts): Promise<unknown>;
  _connect(config: object): Promise<unknown>;
  _disconnect(connection: unknown): Promise<unknown>;
  config: { replication: { read: object[] } };
}

export interface RouteReadsOptions {
  /** While the replicas are down, how often a connection to each checks whether they are back, in milliseconds. */
  probeMs?: number;
}

function isReplicaRead(options: QueryOpts): boolean {
  return options?.type === QueryTypes.SELECT && options.useMaster === false;
}

/** Connection refused, timed out, lost, or no free connection: the replica's failure, not the query's. */
function isConnectionFailure(err: unknown): boolean {
  const failure = dependencyFailure(err);
  return failure?.dependency === 'database' && failure.kind !== 'schema';
}

/**
 * Makes a Sequelize instance built with `replication` send every query to the primary,
 * except a SELECT outside a transaction whose options carry `MAY_LAG` (Sequelize's own
 * default is the reverse: every non-transaction SELECT to the read pool). Such a read
 * whose replica connection is refused, times out or is lost is run again on the primary,
 * once; a query error is not. The first such failure marks the replicas down (one log line,
 * with the cause): their reads go straight to the primary until a connection to every
 * replica succeeds again (checked every `probeMs`, one line when back). Returns a stop function.
 */
export function routeReads(name: string, sequelize: Sequelize, opts: RouteReadsOptions = {}): () => void {
  const state = dependencyState(`replicas of database "${name}"`);
  const reads: ReplicaReads = { replica: 0, primary: 0 };
  routes.set(name, {
    get isDown() {
      return state.isDown;
    },
    reads,
  });
  const probeMs = opts.probeMs ?? 1000;
  let probe: NodeJS.Timeout | undefined;
  let probing = false;
  const manager = sequelize.connectionManager as unknown as Manager;

  const markDown = (err: unknown) => {
    if (state.isDown) return;
    state.memberDown('read pool', `${dependencyFailure(err)?.cause}; reads that may lag go to the primary`);
    probe = setInterval(checkBack, probeMs);
    probe.unref();
  };

  async function checkBack() {
    if (probing) return;
    probing = true;
    try {
      for (const config of manager.config.replication.read) await manager._disconnect(await manager._connect(config));
      clearInterval(probe);
      probe = undefined;
      state.memberUp('read pool');
    } catch {
      // still down: the next tick tries again
    } finally {
      probing = false;
    }
  }

  const getConnection = manager.getConnection.bind(manager);
  manager.getConnection = async function routedGetConnection(options) {
    const onPrimary = { ...options, useMaster: true };
    if (!isReplicaRead(options)) return getConnection(onPrimary);
    if (state.isDown) {
      reads.primary++;
      return getConnection(onPrimary);
    }
    try {
      const connection = await getConnection(options);
      if (options?.[ROUTE]) options[ROUTE].replica = true;
      reads.replica++;
      return connection;
    } catch (err) {
      if (!isConnectionFailure(err)) throw err;
      markDown(err);
      reads.primary++;
      return getConnection(onPrimary);
    }
  };

  const query = sequelize.query.bind(sequelize) as (sql: unknown, options?: QueryOpts) => Promise<unknown>;
  (sequelize as unknown as { query: typeof query }).query = async function routedQuery(sql, options) {
    if (!isReplicaRead(options)) return query(sql, options);
    const mark: RouteMark = { replica: false };
    try {
      return await query(sql, { ...options, [ROUTE]: mark });
    } catch (err) {
      // Lost mid-query (the replica went away after handing out the connection).
      if (!mark.replica || !isConnectionFailure(err)) throw err;
      markDown(err);
      reads.replica--;
      reads.primary++;
      return query(sql, { ...options, useMaster: true });
    }
  };

  return () => {
    clearInterval(probe);
    routes.delete(name);
  };
}
