import { hasHttpRoutes, hasWebSocket, launcherName, type PlannedFile, type ServicePlan } from './plan.js';

/** The root launcher: config, db, cache, app, serve, scripts; one stop list in reverse. */
export function launcherFile(p: ServicePlan): PlannedFile {
  const http = hasHttpRoutes(p);
  const ws = hasWebSocket(p);
  // a service_* launcher has no public interface: /metrics only on its own METRICS_PORT listener
  const ownMetrics = p.kind === 'service';
  const imports = [
    "import { closeCaches, registerCaches } from './common/libs/cache_registry.js';",
    "import { runWorkers } from './common/libs/cluster.js';",
    "import { bootDbs } from './common/libs/db_boot.js';",
    "import { closeDbs } from './common/libs/db_registry.js';",
    "import { createHttpApp } from './common/libs/http_app.js';",
    "import { listen } from './common/libs/http_server.js';",
    "import { bootLogger } from './common/libs/launcher.js';",
    "import { stopOnSignals } from './common/libs/lifecycle.js';",
    ownMetrics ? "import { serveMetrics } from './common/libs/metrics_route.js';" : '',
    "import { startJobs } from './common/libs/scheduler.js';",
    http ? `import { isSecured } from './${p.name}/api_base.js';` : '',
    ws ? `import { mountSockets } from './${p.name}/api_main.js';` : '',
    `import { sysConf as conf } from './${p.name}/config/index.js';`,
    ws ? `import { createSocketServer } from './${p.name}/interface/echo_socket.js';` : '',
    `import { SCRIPTS } from './${p.name}/script/index.js';`,
    http ? `import { ROUTES } from './${p.name}/uri_router.js';` : '',
  ].filter(Boolean);
  const appLine = http
    ? 'const { app } = createHttpApp({ conf, log, routes: ROUTES, openapi: { title: conf.SERVER_NAME, isSecured }, isDraining: () => http.draining() });'
    : `const { app } = createHttpApp({ conf, log, routes: [], ${ownMetrics ? 'metrics: false, ' : ''}isDraining: () => http.draining() });`;
  const text = `${imports.join('\n')}

const log = bootLogger(conf);
await runWorkers(conf, log); // RUN_WORKER > 1: this process only supervises the workers
await bootDbs(conf, log);
await registerCaches(conf.REDIS);
${ws ? 'const wss = createSocketServer(conf.WS_MAX_FRAME_BYTES);\n' : ''}${appLine}
${ws ? 'mountSockets(app, conf.VER_CODE);\n' : ''}const http = await listen(app, conf.RUN_PORT, conf.HOST${ws ? ', { websocket: wss }' : ''});
${ownMetrics ? 'const metrics = await serveMetrics(conf, log); // only with METRICS_PORT\n' : ''}const jobs = startJobs(SCRIPTS, log, conf.SERVER_ID);
log.info(\`\${conf.SERVER_NAME} listening on http://\${conf.HOST}:\${http.port}\`);

stopOnSignals(log, [
  ['listener', () => http.stopAccepting()], // at once: a balancer moves new requests to another instance
  ['scripts', () => jobs.stop()],
${ws ? "  ['websockets', () => { for (const socket of wss.clients) socket.close(1001, 'server shutting down'); }],\n" : ''}${ownMetrics ? "  ['metrics', metrics],\n" : ''}  ['http', () => http.close(conf.DRAIN_TIMEOUT_MS)],
  ['cache', closeCaches],
  ['db', closeDbs],
  ['log', () => log.close()],
]);
`;
  return { path: launcherName(p), text };
}
