import { Hono } from 'hono';
import { ApiError } from './api_error.js';
import type { BaseConf } from './base_conf.js';
import { clientAddress } from './client_address.js';
import { registerDependencyMetrics } from './dependency_metrics.js';
import { metered } from './http_metrics.js';
import { type HttpServerHandle, listen } from './http_server.js';
import { incomingHeader } from './incoming_header.js';
import { metricsAccess } from './metrics_access.js';
import { joinWorkerMetrics, metricsText } from './metrics_cluster.js';
import { metricsRegistry, startProcessMetrics } from './metrics_registry.js';
import type { MultLogger } from './mult_logger.js';
import { notFound, onError } from './on_error.js';
import { StaCode } from './sta_code.js';

/**
 * Mounts `GET /metrics`: the Prometheus text of the process (of every worker with
 * RUN_WORKER > 1), for a scrape that `metricsAccess` allows (METRICS_TOKEN, METRICS_ALLOW).
 * Refused in the envelope: 404 while neither key is set, 401 (with `WWW-Authenticate:
 * Bearer`) without the right token when one is set, else 403; 503 when the workers' series
 * cannot be gathered (a worker that does not answer within 5 s).
 */
export function mountMetrics(app: Hono, conf: Readonly<BaseConf>): void {
  startProcessMetrics();
  registerDependencyMetrics();
  joinWorkerMetrics();
  const check = metricsAccess({ token: conf.METRICS_TOKEN, allow: conf.METRICS_ALLOW });
  app.get(
    '/metrics',
    metered('/metrics', async function scrapeMetrics(c) {
      const refusal = check(incomingHeader(c, 'authorization'), clientAddress(c));
      if (refusal === StaCode.NOT_FOUND) throw new ApiError(refusal, `no route for GET ${c.req.path}`);
      if (refusal === StaCode.NOT_AUTHENTICATED) {
        throw new ApiError(refusal, 'metrics: send Authorization: Bearer <METRICS_TOKEN>', null, {
          'WWW-Authenticate': 'Bearer',
        });
      }
      if (refusal) throw new ApiError(refusal, 'metrics: this address may not scrape (METRICS_ALLOW)');
      const text = await metricsText().catch((err: Error) => {
        throw new ApiError(StaCode.UNAVAILABLE, err.message);
      });
      return c.body(text, 200, { 'Content-Type': metricsRegistry.contentType });
    }),
  );
}

/**
 * For a launcher with no public interface (`service_*`): `/metrics` alone on its own
 * listener at METRICS_PORT (HOST), or nothing when METRICS_PORT is 0. Resolves to its stop step.
 */
export async function serveMetrics(conf: Readonly<BaseConf>, log: MultLogger): Promise<() => Promise<void>> {
  if (!conf.METRICS_PORT) return async () => {};
  const app = new Hono();
  mountMetrics(app, conf);
  app.notFound(notFound);
  app.onError(onError(log));
  const http: HttpServerHandle = await listen(app, conf.METRICS_PORT, conf.HOST);
  log.info(`${conf.SERVER_NAME} metrics on http://${conf.HOST}:${http.port}/metrics`);
  return () => http.close(conf.DRAIN_TIMEOUT_MS);
}
