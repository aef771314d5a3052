import { closeCaches, registerCaches } from './common/libs/cache_registry.js';
import { runWorkers } from './common/libs/cluster.js';
import { bootDbs } from './common/libs/db_boot.js';
import { closeDbs } from './common/libs/db_registry.js';
import { createHttpApp } from './common/libs/http_app.js';
import { listen } from './common/libs/http_server.js';
import { bootLogger } from './common/libs/launcher.js';
import { stopOnSignals } from './common/libs/lifecycle.js';
import { startJobs } from './common/libs/scheduler.js';
import { isSecured } from './manage_system/api_base.js';
import { sysConf as conf } from './manage_system/config/index.js';
import { SCRIPTS } from './manage_system/script/index.js';
import { seedAdmin } from './manage_system/script/seed_admin.js';
import { ROUTES } from './manage_system/uri_router.js';

const log = bootLogger(conf);
await runWorkers(conf, log); // RUN_WORKER > 1: this process only supervises the workers
await bootDbs(conf, log);
await registerCaches(conf.REDIS);
await seedAdmin(conf.ADMIN_PASSWORD, log);
const { app } = createHttpApp({
  conf,
  log,
  routes: ROUTES,
  openapi: { title: 'manage_system', isSecured },
  isDraining: () => http.draining(),
});
const http = await listen(app, conf.RUN_PORT, conf.HOST);
const jobs = startJobs(SCRIPTS, log, conf.SERVER_ID);
log.info(`${conf.SERVER_NAME} listening on http://${conf.HOST}:${http.port}`);

stopOnSignals(log, [
  ['listener', () => http.stopAccepting()], // at once: a balancer moves new requests to another instance
  ['scripts', () => jobs.stop()],
  ['http', () => http.close(conf.DRAIN_TIMEOUT_MS)],
  ['cache', closeCaches],
  ['db', closeDbs],
  ['log', () => log.close()],
]);
