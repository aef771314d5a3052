/**
 * The comparison servers of the HTTP benchmark, each run in its own process:
 * `node --import tsx test/bench/targets.ts raw|raw-cluster|hono|hono-cluster|hono-mw|gatehouse-echo`, on RUN_PORT
 * (see peer_env.ts for the rest of their environment).
 */
import { startGatehouseEcho } from './gatehouse_echo.js';
import { startInCluster } from './peer_cluster.js';
import { startBareHono } from './peer_hono.js';
import { startHonoWithMiddleware } from './peer_hono_mw.js';
import { startRawNode } from './peer_raw.js';

const kind = process.argv[2];
if (kind === 'raw') startRawNode();
else if (kind === 'raw-cluster') await startInCluster(2, startRawNode);
else if (kind === 'hono') await startBareHono();
else if (kind === 'hono-cluster') await startInCluster(2, startBareHono);
else if (kind === 'hono-mw') await startHonoWithMiddleware();
else if (kind === 'gatehouse-echo') await startGatehouseEcho();
else throw new Error(`unknown target ${kind}`);
