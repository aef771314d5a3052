import type { Context, Handler } from 'hono';
import { PlainHistogram, registerPlainMetric, type Sample } from './metrics_registry.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const METHOD_INDEX = new Map<string, number>(METHODS.map((m, i) => [m, i]));
/** Any other method is counted as `OTHER`: a client cannot make a label per invented verb. */
const OTHER = METHODS.length;

/** One method's tally on one route: answers by status, and their durations. */
class MethodTally {
  readonly statuses = new Map<number, number>();
  readonly duration = new PlainHistogram();
}

/**
 * The request tallies of one route template (`/v1/account/:id`), resolved once when the route
 * is mounted. Per request `observe` does a method lookup, a status map update and a bucket
 * search on plain numbers; labels are only built at scrape time.
 */
export class RouteMeter {
  private readonly tallies: (MethodTally | undefined)[] = [];

  constructor(readonly route: string) {}

  observe(method: string, status: number, seconds: number): void {
    const i = METHOD_INDEX.get(method) ?? OTHER;
    let tally = this.tallies[i];
    if (!tally) this.tallies[i] = tally = new MethodTally();
    tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
    tally.duration.observe(seconds);
  }

  /** Every method this route has answered, with its tally. */
  *methods(): Generator<[string, MethodTally]> {
    for (let i = 0; i < this.tallies.length; i++) {
      const tally = this.tallies[i];
      if (tally) yield [METHODS[i] ?? 'OTHER', tally];
    }
  }
}

const meters = new Map<string, RouteMeter>();

/** The meter of a route template, one per template in this process. */
export function routeMeter(route: string): RouteMeter {
  let meter = meters.get(route);
  if (!meter) meters.set(route, (meter = new RouteMeter(route)));
  return meter;
}

/** Requests no route took (404 on an unknown path): one label, never one per path. */
export const UNMATCHED = routeMeter('unmatched');

/**
 * `handler` with its answers counted under `route`: for routes mounted outside `mountRoutes`
 * (`/health`, `/docs`, a WebSocket upgrade...). It only tags the request's env.
 */
export function metered(route: string, handler: Handler): Handler {
  const meter = routeMeter(route);
  return function meteredHandler(c: Context, next) {
    const env = c.env as { meter?: RouteMeter } | undefined;
    if (env) env.meter = meter;
    return handler(c, next);
  };
}

registerPlainMetric({
  name: 'http_requests_total',
  help: 'HTTP requests answered, by route template, method and status',
  type: 'counter',
  aggregator: 'sum',
  samples() {
    const out: Sample[] = [];
    for (const meter of meters.values()) {
      for (const [method, tally] of meter.methods()) {
        for (const [status, value] of tally.statuses) out.push({ labels: { route: meter.route, method, status }, value });
      }
    }
    return out;
  },
});

registerPlainMetric({
  name: 'http_request_duration_seconds',
  help: 'Time from a request reaching the app to its answer being ready, by route template and method',
  type: 'histogram',
  aggregator: 'sum',
  samples() {
    const out: Sample[] = [];
    for (const meter of meters.values()) {
      for (const [method, tally] of meter.methods()) {
        tally.duration.samples('http_request_duration_seconds', { route: meter.route, method }, out);
      }
    }
    return out;
  },
});
