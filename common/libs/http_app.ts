import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { answerJson } from './answer.js';
import { mountApiDocs } from './api_docs.js';
import type { BaseConf } from './base_conf.js';
import { pingCaches } from './cache_registry.js';
import { trustProxies } from './client_address.js';
import { pingDbs } from './db_registry.js';
import { metered } from './http_metrics.js';
import { mountMetrics } from './metrics_route.js';
import type { MultLogger } from './mult_logger.js';
import { notFound, onError } from './on_error.js';

import { withRequestScope } from './request_scope.js';
import { type MountedRoute, mountRoutes, type Route } from './router.js';
import { secureHeaderList } from './secure_headers.js';
import { type ServiceOpenApiOptions, serviceOpenApi } from './service_openapi.js';
import { StaCode } from './sta_code.js';

export interface HttpAppOptions {
  conf: Readonly<BaseConf>;
  log: MultLogger;
  routes: readonly Route[];
  openapi?: ServiceOpenApiOptions;
  /** True while the server drains: answers then carry `Connection: close` and `/ready` answers 503. */
  isDraining?: () => boolean;
  /** Serve `/metrics` here (default); a `service_*` launcher says false and uses `serveMetrics` (METRICS_PORT). */
  metrics?: boolean;
}

async function probe(check: () => Promise<void>, timeoutMs: number): Promise<'ok' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The HTTP app of a service: the request scope around its `fetch` (request id, secure
 * headers, body limit, route meter, access line), CORS, the routes, `/health`, `/ready`,
 * `/metrics` (see `mountMetrics`), `/openapi.json` and its `/docs` page (unless `API_DOCS` is
 * false), and the envelope for every error.
 */
export function createHttpApp(opts: HttpAppOptions): { app: Hono; mounted: MountedRoute[] } {
  const { conf, log } = opts;
  const app = new Hono();
  trustProxies(conf.TRUSTED_PROXIES);
  app.fetch = withRequestScope(app.fetch, {
    log,
    skipAccessLog: conf.ACCESS_LOG_SKIP,
    isDraining: opts.isDraining,
    headers: secureHeaderList(),
    bodyLimit: conf.BODY_LIMIT,
  });
  if (conf.CORS_ORIGINS.length) app.use(cors({ origin: [...conf.CORS_ORIGINS], credentials: true }));

  app.get(
    '/health',
    metered('/health', (c) => answerJson(c, { status: 'ok', service: conf.SERVER_NAME, id: conf.SERVER_ID })),
  );
  app.get(
    '/ready',
    metered('/ready', async (c) => {
      const [db, cache] = await Promise.all([probe(pingDbs, 2000), probe(pingCaches, 2000)]);
      const draining = opts.isDraining?.() ?? false;
      const ready = db === 'ok' && cache === 'ok' && !draining;
      const data = { status: draining ? 'draining' : ready ? 'ready' : 'degraded', db, cache };
      return ready ? answerJson(c, data) : answerJson(c, data, { sta: StaCode.UNAVAILABLE });
    }),
  );
  if (opts.metrics !== false) mountMetrics(app, conf);

  const mounted = mountRoutes(app, opts.routes, conf.VER_CODE);
  if (conf.API_DOCS) {
    const doc = serviceOpenApi(conf, mounted, opts.openapi);
    app.get(
      '/openapi.json',
      metered('/openapi.json', (c) => c.json(doc)),
    );
    mountApiDocs(app, { title: doc.info.title });
  }

  app.notFound(notFound);
  app.onError(onError(log));
  return { app, mounted };
}
