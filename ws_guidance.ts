import { closeBus, registerBus } from './common/libs/bus_registry.js';
import { closeCaches, registerCaches } from './common/libs/cache_registry.js';
import { runWorkers } from './common/libs/cluster.js';
import { bootDbs } from './common/libs/db_boot.js';
import { closeDbs } from './common/libs/db_registry.js';
import { createHttpApp } from './common/libs/http_app.js';
import { listen } from './common/libs/http_server.js';
import { bootLogger } from './common/libs/launcher.js';
import { stopOnSignals } from './common/libs/lifecycle.js';
import { startJobs } from './common/libs/scheduler.js';
import { GUIDE_PATH, mountGuide, ROUTES } from './guidance_ws/api_main.js';
import { sysConf as conf } from './guidance_ws/config/index.js';
import { Gateway } from './guidance_ws/interface/gateway.js';
import { SCRIPTS } from './guidance_ws/script/index.js';

const log = bootLogger(conf);
await runWorkers(conf, log); // RUN_WORKER > 1 (needs REDIS_URL): this process only supervises the workers
await bootDbs(conf, log);
await registerCaches(conf.REDIS);
const gateway = new Gateway(conf, log, await registerBus(conf.REDIS.default));
await gateway.start();
const { app } = createHttpApp({ conf, log, routes: ROUTES, isDraining: () => http.draining() });
await mountGuide(app, gateway);
const http = await listen(app, conf.RUN_PORT, conf.HOST, { websocket: gateway.wss });
const jobs = startJobs(SCRIPTS, log, conf.SERVER_ID);
log.info(`${conf.SERVER_NAME} listening on ws://${conf.HOST}:${http.port}/v${conf.VER_CODE}${GUIDE_PATH}`);

stopOnSignals(log, [
  ['listener', () => http.stopAccepting()], // at once: a balancer moves new requests to another instance
  ['scripts', () => jobs.stop()],
  ['websockets', () => gateway.stop(conf.DRAIN_TIMEOUT_MS)],
  ['http', () => http.close(conf.DRAIN_TIMEOUT_MS)],
  ['bus', closeBus],
  ['cache', closeCaches],
  ['db', closeDbs],
  ['log', () => log.close()],
]);
